/** One abbreviation users type and the name the demo data stores. */
export interface DemoDictionaryEntry {
  abbreviation: string;
  full_name: string;
}

/**
 * The demo company's abbreviation dictionaries, seeded when the demo database is the default
 * data source. Every `full_name` is a `departments.name` or `projects.name` in demo.sql
 * verbatim (generate.ts builds the data from these lists), so `WHERE d.name = 'RD'` finds
 * rows once rewritten to `'研发中心'`.
 */
export const demoDictionaries: {
  department: DemoDictionaryEntry[];
  project: DemoDictionaryEntry[];
} = {
  department: [
    { abbreviation: 'GMO', full_name: '总经办' },
    { abbreviation: 'RD', full_name: '研发中心' },
    { abbreviation: 'DP', full_name: '数据平台部' },
    { abbreviation: 'INFRA', full_name: '基础架构部' },
    { abbreviation: 'QA', full_name: '质量保障部' },
    { abbreviation: 'PD', full_name: '产品部' },
    { abbreviation: 'MKT', full_name: '市场部' },
    { abbreviation: 'SALES', full_name: '销售部' },
    { abbreviation: 'FIN', full_name: '财务部' },
    { abbreviation: 'HR', full_name: '人力资源部' },
    { abbreviation: 'CS', full_name: '客户服务部' },
    { abbreviation: 'OPS', full_name: '运营部' },
    { abbreviation: 'LEGAL', full_name: '法务部' },
    { abbreviation: 'ADMIN', full_name: '行政部' },
  ],
  project: [
    { abbreviation: 'XH', full_name: '星河数据平台' },
    { abbreviation: 'TS-CRM', full_name: '天枢CRM升级' },
    { abbreviation: 'BD-AI', full_name: '北斗智能客服' },
    { abbreviation: 'QL-APP', full_name: '青鸾App改版' },
    { abbreviation: 'XW-SEC', full_name: '玄武安全加固' },
    { abbreviation: 'ZQ-MKT', full_name: '朱雀营销中台' },
    { abbreviation: 'KL-SCM', full_name: '昆仑供应链系统' },
    { abbreviation: 'PL-KB', full_name: '蓬莱知识库' },
    { abbreviation: 'JZ-BI', full_name: '九章经营分析' },
    { abbreviation: 'KP-CLOUD', full_name: '鲲鹏云迁移' },
    { abbreviation: 'LX-REC', full_name: '灵犀推荐引擎' },
    { abbreviation: 'QM-HR', full_name: '启明人才管理' },
    { abbreviation: 'FY-INTL', full_name: '扶摇海外拓展' },
    { abbreviation: 'CC-AUDIT', full_name: '长城合规审计' },
    { abbreviation: 'TG-ERP', full_name: '天工ERP对接' },
    { abbreviation: 'WQ-OA', full_name: '文曲协同办公' },
  ],
};
