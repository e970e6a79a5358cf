import {
  cities,
  customerBrands,
  customerIndustries,
  expenseCategories,
  products,
  projectFacts,
  regions,
  timesheetHours,
  timesheetTasks,
} from './demoCatalog.js';
import { money, type SqlValue } from './demoSchema.js';
import type { DemoOrganisation } from './organisation.js';
import { dateOf, dayOf, isWeekday, LAST_DAY, type Random } from './random.js';

// Ids are assigned after sorting by date (see numberByDate), so rows start with id 0.

/** Hours booked by project team members on weekdays while their project ran. */
export function generateTimesheets(random: Random, org: DemoOrganisation, count: number) {
  const rows: SqlValue[][] = [];
  const booked = new Set<string>();
  while (rows.length < count) {
    const fact = random.weighted(projectFacts, (project) => project.budget);
    const index = projectFacts.indexOf(fact);
    const team = org.teams[index] ?? [];
    if (team.length === 0) continue;
    const member = random.pick(team);
    const from = Math.max(dayOf(fact.start), member.hireDay);
    const to = Math.min(dayOf(fact.until), LAST_DAY);
    if (from > to) continue;
    const day = random.int(from, to);
    const key = `${member.id}/${index}/${day}`;
    if (!isWeekday(day) || booked.has(key)) continue;
    booked.add(key);
    const hours = money(random.pick(timesheetHours));
    rows.push([0, member.id, index + 1, dateOf(day), hours, random.pick(timesheetTasks)]);
  }
  return rows;
}

const expenseStatusWeights: Record<string, number> = { 已报销: 75, 待审批: 15, 已驳回: 10 };

/** Expense claims; sales and marketing travel and entertain more. */
export function generateExpenses(random: Random, org: DemoOrganisation, count: number) {
  const rows: SqlValue[][] = [];
  while (rows.length < count) {
    const employee = random.weighted(org.employees, (e) =>
      ['SALES', 'MKT'].includes(e.department) ? 3 : 1,
    );
    const category = random.weighted(expenseCategories, (c) => c.weight);
    const day = random.int(employee.hireDay, LAST_DAY);
    const running = projectFacts.filter(
      (fact, index) =>
        org.teams[index]?.includes(employee) &&
        dayOf(fact.start) <= day &&
        day <= dayOf(fact.until),
    );
    const project = running.length > 0 && random.next() < 0.5 ? random.pick(running) : undefined;
    const status = random.weighted(Object.keys(expenseStatusWeights), (s) => {
      return expenseStatusWeights[s] ?? 0;
    });
    const description =
      category.name === '差旅'
        ? `${random.pick(cities)}${category.description}`
        : category.description;
    const [low, high] = category.amount;
    rows.push([
      0,
      employee.id,
      org.departmentId.get(employee.department) ?? null,
      project ? (org.projectId.get(project.abbreviation) ?? null) : null,
      category.name,
      money(random.int(low * 100, high * 100) / 100),
      dateOf(day),
      status,
      description,
    ]);
  }
  return rows;
}

function generateCustomers(random: Random) {
  const customers = Array.from({ length: 60 }, (_, index) => {
    const region = random.pick(Object.keys(regions));
    const city = random.pick(regions[region] ?? []);
    const word = random.pick(Object.keys(customerIndustries));
    const brand = customerBrands[index % customerBrands.length] ?? '';
    // A few customers buy most: weights fall off with rank.
    const weight = 1 / (index + 1) ** 0.7;
    return {
      name: `${city}${brand}${word}有限公司`,
      industry: customerIndustries[word] ?? '',
      region,
      city,
      weight,
    };
  });
  return customers.filter((c, index) => customers.findIndex((o) => o.name === c.name) === index);
}

/** Sales orders; a product tied to a project sells from a month after the project starts. */
export function generateSales(random: Random, org: DemoOrganisation, count: number) {
  const customers = generateCustomers(random);
  const salespeople = org.employees.filter((employee) => employee.department === 'SALES');
  const rows: SqlValue[][] = [];
  while (rows.length < count) {
    const product = random.pick(products);
    const project = projectFacts.find((fact) => fact.abbreviation === product.project);
    const day = random.int(project ? dayOf(project.start) + 30 : 0, LAST_DAY);
    const sellers = salespeople.filter((employee) => employee.hireDay <= day);
    if (sellers.length === 0) continue;
    const customer = random.weighted(customers, (c) => c.weight);
    const quantity = random.int(product.quantity[0], product.quantity[1]);
    const amount = Math.round(product.price * quantity * random.int(80, 100)) / 100;
    rows.push([
      0,
      '',
      customer.name,
      customer.industry,
      customer.region,
      customer.city,
      product.name,
      project ? (org.projectId.get(project.abbreviation) ?? null) : null,
      random.pick(sellers).id,
      quantity,
      money(amount),
      dateOf(day),
    ]);
  }
  return rows;
}

/** Sorts rows by their date column and numbers them, as ids follow time in a live system. */
export function numberByDate(rows: SqlValue[][], dateColumn: number): SqlValue[][] {
  rows.sort((a, b) => String(a[dateColumn]).localeCompare(String(b[dateColumn])));
  rows.forEach((row, index) => {
    row[0] = index + 1;
  });
  return rows;
}
