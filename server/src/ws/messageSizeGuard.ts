import type { Duplex } from 'node:stream';

/**
 * Reads WebSocket frame headers off the raw socket just ahead of the ws library. The library
 * refuses a message longer than its `maxPayload` from the header alone, without buffering it,
 * but closes (1009) without a word the client can read; this calls `onOversize` first, once,
 * so the caller can send its error frame before the close. Payloads are skipped, never copied.
 */
export function watchMessageSizes(
  socket: Duplex,
  maxBytes: number,
  onOversize: (messageBytes: number) => void,
): void {
  let header = Buffer.alloc(0);
  let skip = 0;
  let messageBytes = 0;
  const onData = (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      if (skip > 0) {
        const skipped = Math.min(skip, chunk.length - offset);
        skip -= skipped;
        offset += skipped;
        continue;
      }
      // At most 14 header bytes: 2, an extended length of 2 or 8, a mask of 4.
      const available = Buffer.concat([header, chunk.subarray(offset, offset + 14)]);
      const second = available[1];
      if (second === undefined) {
        header = available;
        return;
      }
      const short = second & 0x7f;
      const needed = 2 + (short === 126 ? 2 : short === 127 ? 8 : 0) + (second & 0x80 ? 4 : 0);
      if (available.length < needed) {
        header = available;
        return;
      }
      const length =
        short === 126
          ? available.readUInt16BE(2)
          : short === 127
            ? Number(available.readBigUInt64BE(2))
            : short;
      const first = available[0] ?? 0;
      const opcode = first & 0x0f;
      offset += needed - header.length;
      header = Buffer.alloc(0);
      // Data frames (continuation, text, binary) add up to one message; control frames are small.
      if (opcode < 0x08) {
        messageBytes = opcode === 0 ? messageBytes + length : length;
        if (messageBytes > maxBytes) {
          socket.off('data', onData);
          onOversize(messageBytes);
          return;
        }
        if (first & 0x80) messageBytes = 0;
      }
      skip = length;
    }
  };
  socket.prependListener('data', onData);
  socket.once('close', () => socket.off('data', onData));
}
