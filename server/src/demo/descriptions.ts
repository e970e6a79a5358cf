/** What a demo table and its columns mean, in English and Chinese words users ask with. */
export interface DemoTableDescription {
  description: string;
  columns: Record<string, string>;
}

/**
 * Descriptions of the demo database for schema retrieval: SQL has no portable column
 * comments, so the words a user might type (部门, 工时, 报销…) live here.
 */
export const demoDescriptions: Record<string, DemoTableDescription> = {
  departments: {
    description:
      '部门 departments of the company (组织架构 org structure), with parent and manager',
    columns: {
      id: '部门ID department id',
      name: '部门名称 department name, e.g. 研发中心, 市场部, 销售部',
      parent_id: '上级部门 parent department id (departments.id); NULL for the top (总经办)',
      manager_id: '部门负责人 department manager, an employees.id',
      city: '所在城市 city where the department sits',
    },
  },
  employees: {
    description: '员工 employees (人员, 职员, 同事): department, title, hire date, salary, city',
    columns: {
      id: '员工ID employee id',
      name: '姓名 employee name',
      gender: '性别 gender: 男 male / 女 female',
      department_id: '所属部门 department (departments.id)',
      title: '职位 job title, e.g. 工程师, 产品经理, 总监',
      hire_date: '入职日期 hire date',
      salary: '月薪 monthly salary in CNY (工资, 薪资)',
      city: '工作城市 city the employee works in',
      status: '在职状态 employment status: 在职 employed / 离职 left',
    },
  },
  projects: {
    description: '项目 projects with owning department, manager, status, budget and dates',
    columns: {
      id: '项目ID project id',
      name: '项目名称 project name, e.g. 星河数据平台, 天枢CRM升级',
      department_id: '负责部门 owning department (departments.id)',
      manager_id: '项目经理 project manager (employees.id)',
      status: '项目状态 status: 进行中 in progress / 已完成 done / 已暂停 paused / 规划中 planned',
      budget: '预算 budget in CNY',
      start_date: '开始日期 start date',
      end_date: '结束日期 end date; NULL while not finished',
    },
  },
  timesheets: {
    description: '工时 timesheet hours per employee per project per day (工时填报, 投入)',
    columns: {
      id: '工时记录ID timesheet entry id',
      employee_id: '员工 employee who worked (employees.id)',
      project_id: '项目 project worked on (projects.id)',
      work_date: '工作日期 date worked',
      hours: '工时 hours worked that day',
      task: '工作内容 kind of work, e.g. 编码开发, 测试验证, 会议沟通',
    },
  },
  expenses: {
    description: '费用报销 expense claims (报销, 开支, 费用) by employee, department and project',
    columns: {
      id: '报销单ID expense id',
      employee_id: '报销人 employee who claimed (employees.id)',
      department_id: '费用归属部门 department charged (departments.id)',
      project_id: '关联项目 project charged (projects.id); NULL when not project related',
      category:
        '费用类别 category: 差旅 travel / 交通 transport / 招待 entertainment / 办公 office / 培训 training / 通讯 phone',
      amount: '金额 amount in CNY',
      expense_date: '发生日期 date of the expense',
      status: '审批状态 approval status: 已报销 reimbursed / 待审批 pending / 已驳回 rejected',
      description: '说明 description',
    },
  },
  sales: {
    description:
      '销售订单 sales orders (销售额, 业绩, 合同): customer, region, product, salesperson, amount',
    columns: {
      id: '订单ID sale id',
      order_no: '订单号 order number',
      customer: '客户名称 customer company name',
      industry: '客户行业 customer industry, e.g. 金融, 制造业, 互联网',
      region: '销售大区 sales region: 华东, 华北, 华南, 华中, 西南, 西北, 东北',
      city: '客户城市 customer city',
      product: '产品 product sold, e.g. 星河数据平台 企业版, 实施服务（人天）',
      project_id: '关联项目 the project behind the product (projects.id); NULL for services',
      salesperson_id: '销售人员 salesperson (employees.id)',
      quantity: '数量 quantity',
      amount: '销售额 order amount in CNY (金额, 收入)',
      sale_date: '成交日期 date of the sale',
    },
  },
};
