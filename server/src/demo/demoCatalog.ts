// The hand-written facts the demo generator draws from. Names of departments and projects come
// from dictionaries.ts so the abbreviation dictionaries always match the data.

/** Department facts by dictionary abbreviation, parents before children. */
// biome-ignore format: one row per line reads as a table
export const departmentFacts: {
  abbreviation: string;
  parent: string | null;
  city: string;
  headcount: number;
  staffTitles: readonly string[];
}[] = [
  { abbreviation: 'GMO', parent: null, city: '北京', headcount: 4, staffTitles: ['总经理助理', '战略分析师'] },
  { abbreviation: 'RD', parent: 'GMO', city: '北京', headcount: 10, staffTitles: ['高级工程师', '资深工程师', '技术专家'] },
  { abbreviation: 'DP', parent: 'RD', city: '北京', headcount: 16, staffTitles: ['工程师', '高级工程师', '资深工程师', '技术专家'] },
  { abbreviation: 'INFRA', parent: 'RD', city: '杭州', headcount: 12, staffTitles: ['工程师', '高级工程师', '资深工程师'] },
  { abbreviation: 'QA', parent: 'RD', city: '杭州', headcount: 10, staffTitles: ['测试工程师', '高级测试工程师'] },
  { abbreviation: 'PD', parent: 'GMO', city: '北京', headcount: 12, staffTitles: ['产品专员', '产品经理', '高级产品经理'] },
  { abbreviation: 'MKT', parent: 'GMO', city: '上海', headcount: 12, staffTitles: ['专员', '高级专员', '主管'] },
  { abbreviation: 'SALES', parent: 'GMO', city: '上海', headcount: 24, staffTitles: ['销售代表', '高级销售代表', '大客户经理'] },
  { abbreviation: 'FIN', parent: 'GMO', city: '北京', headcount: 8, staffTitles: ['会计', '高级会计', '财务主管'] },
  { abbreviation: 'HR', parent: 'GMO', city: '北京', headcount: 8, staffTitles: ['专员', '高级专员', '主管'] },
  { abbreviation: 'CS', parent: 'GMO', city: '成都', headcount: 16, staffTitles: ['客服专员', '高级客服专员', '客服主管'] },
  { abbreviation: 'OPS', parent: 'GMO', city: '深圳', headcount: 10, staffTitles: ['运营专员', '高级运营专员', '主管'] },
  { abbreviation: 'LEGAL', parent: 'GMO', city: '北京', headcount: 4, staffTitles: ['法务专员', '法务经理'] },
  { abbreviation: 'ADMIN', parent: 'GMO', city: '北京', headcount: 5, staffTitles: ['行政专员', '主管'] },
];

/** Monthly salary range (CNY) by title. */
export const salaryRanges: Record<string, [number, number]> = {
  总经理: [90000, 90000],
  总监: [45000, 70000],
  经理: [30000, 45000],
  工程师: [15000, 22000],
  测试工程师: [13000, 19000],
  高级测试工程师: [19000, 27000],
  高级工程师: [22000, 32000],
  资深工程师: [30000, 42000],
  技术专家: [40000, 55000],
  产品专员: [12000, 17000],
  产品经理: [20000, 30000],
  高级产品经理: [30000, 40000],
  专员: [8000, 13000],
  高级专员: [12000, 18000],
  主管: [16000, 24000],
  销售代表: [9000, 14000],
  高级销售代表: [14000, 20000],
  大客户经理: [20000, 30000],
  会计: [10000, 15000],
  高级会计: [15000, 21000],
  财务主管: [20000, 28000],
  客服专员: [7000, 10000],
  高级客服专员: [10000, 13000],
  客服主管: [14000, 19000],
  运营专员: [9000, 13000],
  高级运营专员: [13000, 18000],
  法务专员: [12000, 18000],
  法务经理: [25000, 35000],
  行政专员: [7000, 10000],
  总经理助理: [15000, 22000],
  战略分析师: [20000, 30000],
};

/** Project facts by dictionary abbreviation. `until` ends activity of open-ended projects. */
// biome-ignore format: one row per line reads as a table
export const projectFacts: {
  abbreviation: string;
  department: string;
  helpers: readonly string[];
  status: '进行中' | '已完成' | '已暂停' | '规划中';
  budget: number;
  start: string;
  end: string | null;
  until: string;
}[] = [
  { abbreviation: 'XH', department: 'DP', helpers: ['INFRA', 'QA', 'PD'], status: '进行中', budget: 3800000, start: '2025-02-10', end: null, until: '2026-10-31' },
  { abbreviation: 'TS-CRM', department: 'RD', helpers: ['SALES', 'QA', 'PD'], status: '已完成', budget: 1600000, start: '2025-01-15', end: '2025-12-20', until: '2025-12-20' },
  { abbreviation: 'BD-AI', department: 'CS', helpers: ['DP', 'RD', 'PD'], status: '进行中', budget: 2200000, start: '2025-04-01', end: null, until: '2026-10-31' },
  { abbreviation: 'QL-APP', department: 'PD', helpers: ['RD', 'QA', 'MKT'], status: '已完成', budget: 900000, start: '2025-03-01', end: '2025-11-30', until: '2025-11-30' },
  { abbreviation: 'XW-SEC', department: 'INFRA', helpers: ['QA', 'LEGAL'], status: '进行中', budget: 1200000, start: '2025-06-01', end: null, until: '2026-10-31' },
  { abbreviation: 'ZQ-MKT', department: 'MKT', helpers: ['RD', 'OPS', 'PD'], status: '进行中', budget: 1500000, start: '2025-05-12', end: null, until: '2026-10-31' },
  { abbreviation: 'KL-SCM', department: 'RD', helpers: ['FIN', 'OPS'], status: '已暂停', budget: 2600000, start: '2025-07-01', end: null, until: '2026-02-28' },
  { abbreviation: 'PL-KB', department: 'CS', helpers: ['PD'], status: '已完成', budget: 450000, start: '2025-02-20', end: '2025-09-30', until: '2025-09-30' },
  { abbreviation: 'JZ-BI', department: 'DP', helpers: ['FIN', 'SALES'], status: '进行中', budget: 1100000, start: '2025-09-01', end: null, until: '2026-10-31' },
  { abbreviation: 'KP-CLOUD', department: 'INFRA', helpers: ['RD', 'QA'], status: '已完成', budget: 3000000, start: '2025-01-06', end: '2026-03-31', until: '2026-03-31' },
  { abbreviation: 'LX-REC', department: 'DP', helpers: ['PD', 'OPS'], status: '进行中', budget: 1800000, start: '2026-01-05', end: null, until: '2026-10-31' },
  { abbreviation: 'QM-HR', department: 'HR', helpers: ['RD'], status: '已完成', budget: 600000, start: '2025-04-15', end: '2026-01-31', until: '2026-01-31' },
  { abbreviation: 'FY-INTL', department: 'SALES', helpers: ['MKT', 'LEGAL'], status: '进行中', budget: 2400000, start: '2026-02-01', end: null, until: '2026-10-31' },
  { abbreviation: 'CC-AUDIT', department: 'LEGAL', helpers: ['FIN'], status: '已完成', budget: 350000, start: '2025-10-01', end: '2026-04-30', until: '2026-04-30' },
  { abbreviation: 'TG-ERP', department: 'FIN', helpers: ['RD'], status: '进行中', budget: 800000, start: '2026-03-02', end: null, until: '2026-10-31' },
  { abbreviation: 'WQ-OA', department: 'ADMIN', helpers: ['RD'], status: '规划中', budget: 500000, start: '2026-09-01', end: null, until: '2026-10-31' },
];

export const surnames = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺毛郝顾龚邵万钱戴严',
];
export const givenNameChars = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娟建国文辉力斌宇浩凯俊鹏飞晨曦琳雪梅欣怡佳婷子涵思远嘉懿博文志强宏亮晓东海燕丹阳春雨',
];
export const cities = ['北京', '上海', '深圳', '杭州', '成都', '广州', '武汉', '南京', '西安'];

export const regions: Record<string, readonly string[]> = {
  华东: ['上海', '杭州', '南京', '苏州', '宁波'],
  华北: ['北京', '天津', '石家庄'],
  华南: ['广州', '深圳', '厦门'],
  华中: ['武汉', '长沙', '郑州'],
  西南: ['成都', '重庆', '昆明'],
  西北: ['西安', '兰州'],
  东北: ['沈阳', '大连', '哈尔滨'],
};
export const customerBrands = [
  '恒信',
  '云帆',
  '华瑞',
  '博远',
  '鼎盛',
  '金桥',
  '启航',
  '天成',
  '中恒',
  '瑞达',
  '明辉',
  '新锐',
  '远景',
  '同创',
  '汇通',
];
/** Word in a customer's name → the industry recorded for it. */
export const customerIndustries: Record<string, string> = {
  科技: '互联网',
  物流: '物流',
  商贸: '零售',
  智能制造: '制造业',
  医疗科技: '医疗健康',
  教育科技: '教育',
  金融服务: '金融',
  新能源: '能源',
  文化传媒: '文化传媒',
};

/** What the sales team sells; `project` links a product to the project that builds it. */
// biome-ignore format: one row per line reads as a table
export const products: { name: string; price: number; quantity: [number, number]; project: string | null }[] = [
  { name: '星河数据平台 标准版', price: 180000, quantity: [1, 2], project: 'XH' },
  { name: '星河数据平台 企业版', price: 480000, quantity: [1, 1], project: 'XH' },
  { name: '北斗智能客服 坐席包', price: 36000, quantity: [1, 20], project: 'BD-AI' },
  { name: '天枢CRM 年度订阅', price: 24000, quantity: [1, 30], project: 'TS-CRM' },
  { name: '九章经营分析 套件', price: 120000, quantity: [1, 3], project: 'JZ-BI' },
  { name: '灵犀推荐引擎 授权', price: 260000, quantity: [1, 2], project: 'LX-REC' },
  { name: '实施服务（人天）', price: 3000, quantity: [10, 120], project: null },
  { name: '培训服务', price: 15000, quantity: [1, 6], project: null },
  { name: '运维支持 年度服务', price: 60000, quantity: [1, 3], project: null },
];

export const timesheetTasks = [
  '需求分析',
  '方案设计',
  '编码开发',
  '代码评审',
  '测试验证',
  '上线部署',
  '问题排查',
  '文档编写',
  '会议沟通',
  '客户对接',
];
export const timesheetHours = [1.5, 2, 2.5, 3, 4, 4, 5, 6, 6, 7.5, 8, 8, 8];

/** Expense categories: weight, amount range (CNY) and description. */
// biome-ignore format: one row per line reads as a table
export const expenseCategories: { name: string; weight: number; amount: [number, number]; description: string }[] = [
  { name: '差旅', weight: 30, amount: [500, 8000], description: '出差' },
  { name: '交通', weight: 20, amount: [20, 300], description: '市内交通' },
  { name: '招待', weight: 15, amount: [300, 5000], description: '客户招待' },
  { name: '办公', weight: 15, amount: [50, 2000], description: '办公用品采购' },
  { name: '培训', weight: 10, amount: [800, 6000], description: '外部培训课程' },
  { name: '通讯', weight: 10, amount: [50, 300], description: '通讯费报销' },
];
