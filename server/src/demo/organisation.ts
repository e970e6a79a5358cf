import {
  cities,
  departmentFacts,
  givenNameChars,
  projectFacts,
  salaryRanges,
  surnames,
} from './demoCatalog.js';
import { money, type SqlValue } from './demoSchema.js';
import { demoDictionaries } from './dictionaries.js';
import { dateOf, dayOf, type Random } from './random.js';

export interface DemoEmployee {
  id: number;
  /** Dictionary abbreviation of the department. */
  department: string;
  hireDay: number;
}

/** Who works where, and which projects they are on; activity is generated from this. */
export interface DemoOrganisation {
  departmentId: Map<string, number>;
  projectId: Map<string, number>;
  employees: DemoEmployee[];
  /** Project team members, indexed like projectFacts. */
  teams: DemoEmployee[][];
  rows: { departments: SqlValue[][]; employees: SqlValue[][]; projects: SqlValue[][] };
}

const fullName = (entries: { abbreviation: string; full_name: string }[], abbreviation: string) =>
  entries.find((entry) => entry.abbreviation === abbreviation)?.full_name ?? abbreviation;

function managerTitle(parent: string | null): string {
  if (parent === null) return '总经理';
  return parent === 'GMO' ? '总监' : '经理';
}

/** Departments, their staff (the first of each is its manager) and the project teams. */
export function generateOrganisation(random: Random): DemoOrganisation {
  const departmentId = new Map(
    departmentFacts.map((fact, index) => [fact.abbreviation, index + 1]),
  );
  const projectId = new Map(projectFacts.map((fact, index) => [fact.abbreviation, index + 1]));
  const employees: DemoEmployee[] = [];
  const employeeRows: SqlValue[][] = [];
  const managers = new Map<string, number>();
  const usedNames = new Set<string>();

  for (const fact of departmentFacts) {
    for (let seat = 0; seat < fact.headcount; seat++) {
      let name: string;
      do {
        const length = random.next() < 0.35 ? 1 : 2;
        const given = Array.from({ length }, () => random.pick(givenNameChars)).join('');
        name = random.pick(surnames) + given;
      } while (usedNames.has(name));
      usedNames.add(name);
      const id = employees.length + 1;
      const manager = seat === 0;
      const title = manager ? managerTitle(fact.parent) : random.pick(fact.staffTitles);
      // Managers are the founding team; later hires thin out over time.
      const hireDay = manager
        ? random.int(0, 4)
        : Math.floor(random.next() ** 1.6 * dayOf('2026-08-31'));
      const [low, high] = salaryRanges[title] ?? [10000, 20000];
      const left = !manager && hireDay < dayOf('2026-03-01') && random.next() < 0.08;
      const city = random.next() < 0.8 ? fact.city : random.pick(cities);
      const gender = random.next() < 0.55 ? '男' : '女';
      const salary = money(Math.round(random.int(low, high) / 100) * 100);
      employees.push({ id, department: fact.abbreviation, hireDay });
      if (manager) managers.set(fact.abbreviation, id);
      const department = departmentId.get(fact.abbreviation) ?? null;
      const status = left ? '离职' : '在职';
      employeeRows.push([
        id,
        name,
        gender,
        department,
        title,
        dateOf(hireDay),
        salary,
        city,
        status,
      ]);
    }
  }

  const departments = departmentFacts.map((fact, index) => [
    index + 1,
    fullName(demoDictionaries.department, fact.abbreviation),
    fact.parent === null ? null : (departmentId.get(fact.parent) ?? null),
    managers.get(fact.abbreviation) ?? null,
    fact.city,
  ]);
  const projects = projectFacts.map((fact, index) => [
    index + 1,
    fullName(demoDictionaries.project, fact.abbreviation),
    departmentId.get(fact.department) ?? null,
    managers.get(fact.department) ?? null,
    fact.status,
    money(fact.budget),
    fact.start,
    fact.end,
  ]);
  const teams = projectFacts.map((fact) => {
    const own = employees.filter((employee) => employee.department === fact.department);
    const helpers = employees.filter((employee) => fact.helpers.includes(employee.department));
    return [
      ...own.filter(() => random.next() < 0.6),
      ...helpers.filter(() => random.next() < 0.25),
    ];
  });

  return {
    departmentId,
    projectId,
    employees,
    teams,
    rows: { departments, employees: employeeRows, projects },
  };
}
