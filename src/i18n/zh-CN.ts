// Simplified Chinese: the interface's first language.
export const zhCN = {
  app: { title: '县纪委监委 投诉与监督平台', short: '投诉监督平台', switchLang: 'English' },
  nav: { home: '首页', file: '我要投诉', login: '登录', logout: '退出', cases: '案件', inbox: '本单位待办', queues: '任务队列', units: '单位管理', tokens: 'API 令牌', portal: '监督员工作台' },
  home: {
    lead: '群众和特邀监督员反映的问题，书面转交责任单位限期整改，逾期督办，办理情况纳入“双百双评”年度评议。',
    fileCta: '我要投诉 / 反映问题',
    staffCta: '工作人员登录',
    welcome: '您好，{{name}}',
  },
  complaint: {
    title: '投诉 / 反映问题',
    intro: '请如实填写。可以匿名；留下联系方式便于我们向您反馈办理结果。您的身份信息不会提供给被投诉单位。',
    category: '问题类别', chooseCategory: '请选择类别',
    unit: '涉及单位（如知道）', unknownUnit: '不清楚 / 由纪委监委分办',
    description: '问题描述', descriptionHint: '10 至 4000 字：时间、地点、经过、涉及人员',
    place: '地点', name: '姓名（可不填）', phone: '手机或电话（可不填）', email: '电子邮箱（可不填）',
    submit: '提交', anonymousNote: '不填姓名和联系方式即为匿名投诉。',
    doneTitle: '已收到您的投诉', doneNumber: '受理编号', doneText: '我们将尽快分办，并书面责成责任单位限期整改。',
    another: '再提交一件',
  },
  auth: {
    title: '工作人员登录', username: '用户名', password: '密码', submit: '登录',
    failed: '用户名或密码不正确', throttled: '登录失败次数过多，请 {{minutes}} 分钟后再试', loggedOut: '您已退出登录',
  },
  cases: {
    title: '全部案件', inboxTitle: '本单位案件', mineTitle: '我反映的问题', none: '暂无案件',
    number: '编号', status: '状态', category: '类别', unit: '承办单位', submittedAt: '提交时间', description: '内容', channel: '来源',
  },
  status: {
    submitted: '待分办', triaged: '已分流', assigned: '已交办', acknowledged: '已签收', responded: '已反馈',
    resolved: '已办结', closed: '已归档', rejected: '不予受理',
  },
  channel: { web: '网上', phone: '电话', visit: '来访', letter: '来信', supervisor: '监督员', campaign: '征求意见函', open311: '接口', api: '接口' },
  series: { law_enforcement: '执法部门', comprehensive_management: '综合管理部门', window_service: '窗口服务行业' },
  units: { title: '单位', code: '代码', name: '名称', series: '系列', vertical: '条管', emails: '通知邮箱' },
  tokens: {
    title: 'API 令牌', intro: '用于接口调用（Authorization: Bearer 令牌）。令牌只显示一次，请妥善保存。',
    label: '用途说明', create: '生成令牌', created: '新令牌（只显示这一次）：', none: '暂无令牌', lastUsed: '最近使用', revoke: '作废',
  },
  supervisor: { title: '特邀监督员工作台', term: '聘期', area: '联系区域' },
  errors: {
    title: '出错了', back: '返回首页',
    400: '提交的内容有误，请检查后重试。', 401: '请先登录。', 403: '您没有权限访问此页面。', 404: '页面不存在。',
    413: '提交的内容过大。', 429: '操作过于频繁，请稍后再试。', 500: '系统内部错误，请稍后再试。', 503: '服务暂时不可用，请稍后再试。',
    csrf_invalid: '页面已过期或来源不正确，请刷新页面后重新提交。',
    fix: '请修改标红的内容后再提交。',
  },
  field: {
    required: '必填', too_short: '内容太短', too_long: '内容太长', invalid: '格式不正确', unknown_category: '请选择有效的类别',
    unknown_unit: '请选择有效的单位', invalid_phone: '电话号码格式不正确', invalid_email: '邮箱格式不正确',
  },
};
export type Messages = typeof zhCN;
