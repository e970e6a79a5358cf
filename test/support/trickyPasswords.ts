/** Passwords that broke masking and parsing before: every URL delimiter, raw and escaped. */
export const TRICKY_PASSWORDS = [
  'Leaky@tail-relia',
  'Colon:Wolf:Pass9',
  'Slash/Heron/Pass7',
  'Hash#Lynx#Pass5',
  'Percent%Otter%zz',
  'Mixed@:/#%Raven8',
  'Qz?pwd=Falcon&x',
  'Trail@@Badger@',
  'Space Viper 42',
] as const;
