// Every mail's subject and body, zh-CN first; the same keys in both languages. One namespace per
// mail kind under `mails`, rendered by src/i18n/mail-text.ts (subject "zh / en"; the
// Chinese body, a rule, the English body). A variant of a mail is an i18next context
// (`body_manual`); the base key is the usual case. The English body may leave out what only the
// Chinese readers need verbatim (a notice's issue text, reasons), as the mails always have.
export const messages = {
  'zh-CN': {
    mails: {
      signature: '县纪委监委',
      links: { unitCase: '办理页面', commissionCase: '案件页面', track: '查询进度' },
      greeting: { unit: '{{unit}}：', unitHead: '{{unit}}、{{head}}：' },
      'complaint-receipt': {
        subject: '【受理回执】{{number}}',
        body: '您好：\n\n我们已收到您反映的问题，受理编号 {{number}}，查询码 {{code}}。\n凭查询码和提交时页面上显示的查询密码，可在平台“查询进度”页面查看办理情况、补充材料，办结后评价满意度。\n为保护您的信息，本邮件不含查询密码；您的身份信息不会提供给被投诉单位。',
      },
      'status-changed': {
        subject: '【进度】{{number}}：{{status}}',
        body: '{{name}}：\n\n您反映的问题 {{number}} 状态已更新为：{{status}}。\n请登录平台查看详情。',
      },
      'notice-issued': {
        subject: '【整改通知书】{{number}} 受理编号 {{caseNumber}}',
        body: '整改通知书 {{number}}\n\n{{greeting}}\n\n现将群众反映的问题（受理编号 {{caseNumber}}，类别：{{category}}）书面转你单位，责成你单位于 {{deadline}}（{{workingDays}} 个工作日）前整改完毕，并书面报送整改情况。{{place}}\n\n反映的问题：\n{{issue}}{{basis}}{{requirements}}\n\n请登录投诉平台签收，打印或保存通知书：{{url}}\n逾期未整改的，将按规定督办、问责。',
        place: '地点：{{place}}',
        basis: '依据：{{basis}}',
        requirements: '整改要求：{{requirements}}',
      },
      'sent-back': {
        subject: '【退单待终审】{{number}}',
        body: '承办单位认为案件 {{number}} 不属其职责，申请退单。\n理由：{{reasons}}\n依据：{{basis}}\n请终审：改派其他单位，或维持原交办。',
      },
      'extension-requested': {
        subject: '【延期申请】{{number}}',
        body: '承办单位申请延期 {{days}} 个工作日（现截止 {{deadline}}）。\n理由：{{reason}}',
      },
      'report-submitted': {
        subject: '【整改报告待审核】{{number}} 第{{n}}次',
        body: '承办单位报送了案件 {{number}} 的第 {{n}} 次整改报告，请审核。',
      },
      'send-back-ruled': {
        subject: '【退单未获同意】{{number}}',
        body: '{{greeting}}\n\n经终审，案件 {{number}} 仍由你单位办理，整改期限不变（{{deadline}}），请及时签收办理。',
        subject_rerouted: '【退单已改派】{{number}}',
        body_rerouted: '{{greeting}}\n\n经终审，案件 {{number}} 已改派其他单位办理。',
      },
      'extension-decided': {
        subject: '【延期已批准】{{number}}',
        body: '{{greeting}}\n\n你单位的延期申请已批准，整改期限由 {{from}} 延至 {{to}}。',
        subject_refused: '【延期未批准】{{number}}',
        body_refused: '{{greeting}}\n\n你单位的延期申请未获批准，整改期限仍为 {{deadline}}。\n理由：{{reason}}',
      },
      'report-returned': {
        subject: '【整改报告退回重办】{{number}}',
        body: '{{greeting}}\n\n你单位报送的第 {{n}} 次整改报告未通过审核，退回重新办理。\n理由：{{reasons}}\n新的整改期限：{{deadline}}。',
      },
      'report-accepted': {
        subject: '【整改报告已通过】{{number}}',
        body: '{{greeting}}\n\n你单位报送的第 {{n}} 次整改报告已审核通过，答复已向投诉人公开。',
      },
      'case-reopened': {
        subject: '【重新办理】{{number}}',
        body: '{{greeting}}\n\n投诉人对案件 {{number}} 的办理结果不满意，经纪委监委研究，重新交你单位办理，整改期限 {{deadline}}。',
      },
      'reply-published': {
        subject: '【办理结果】{{number}}',
        body: '您好：\n\n您反映的问题（受理编号 {{number}}）已办结，责任单位答复如下：\n\n{{reply}}\n\n请凭查询码{{code}}和查询密码在平台评价办理结果（满意 / 基本满意 / 不满意）。',
      },
      'question-asked': {
        subject: '【需要您补充情况】{{number}}',
        body: '您好：\n\n办理单位就您反映的问题（受理编号 {{number}}）需要了解以下情况：\n\n{{question}}\n\n请凭查询码{{code}}和查询密码在平台“补充材料”中答复。',
      },
      'sign-reminder': {
        subject: '【签收提醒】{{number}}',
        body: '{{greeting}}\n\n案件 {{number}} 的整改通知书签收期限（{{signDue}}）已到，请立即登录平台签收，或在期限内申请退单。',
      },
      'deadline-reminder': {
        subject: '【到期提醒】{{number}} 将于 {{deadline}} 到期',
        body: '{{greeting}}\n\n案件 {{number}} 的整改期限为 {{deadline}}，请按期报送整改报告；确需延期的，请及时申请。',
      },
      urged: {
        subject: '【催办】{{number}} 已逾期',
        body: '{{greeting}}\n\n案件 {{number}} 的整改期限 {{deadline}} 已过，尚未报送整改报告。请立即办理。逾期不办的，将发出督办通知书。',
        body_manual: '{{greeting}}\n\n纪委监委对案件 {{number}} 进行催办，请立即办理并报送整改报告（整改期限 {{deadline}}）。',
      },
      supervised: {
        subject: '【督办通知书】{{notice}} 受理编号 {{number}}',
        body: '{{greeting}}\n\n依据整改通知书 {{noticeNumber}}，你单位应于 {{deadline}} 前整改完毕并书面报告，至今未办结。现予督办，请单位负责人亲自过问，立即整改并报告。\n督办通知书：{{url}}',
        body_early: '{{greeting}}\n\n整改通知书 {{noticeNumber}} 交办的事项（期限 {{deadline}}）现列为督办事项，请单位负责人亲自过问，按期整改到位并书面报告。\n督办通知书：{{url}}',
      },
      'listed-for-notice': {
        subject: '【拟通报】{{number}} 严重逾期',
        body: '{{greeting}}\n\n案件 {{number}} 经催办、督办仍未整改，已列入下一期典型案件通报名单，并计入你单位年度考评的严重失职。',
      },
      'ballot-link': {
        subject: '【{{name}}】评议邀请',
        body: '{{member}}：\n\n您被抽选为{{name}}的评议代表。请打开下面的链接，对全县各参评单位逐一评议（满意、基本满意、不满意或不了解），可随时修改，评议截止后不能再改。\n链接只属于您，请勿转发；截止后您与选票之间的联系即被删除，任何人都无法查到您的评议内容。\n\n{{url}}\n评议码：{{code}}',
      },
      'bulletin-issued': {
        subject: '【典型案件通报】{{number}} {{title}}',
        body: '{{greeting}}\n\n现将{{number}}《{{title}}》印发给你们，请认真组织学习，举一反三，引以为戒。{{corrects}}\n\n{{items}}',
        corrects: '本通报更正{{number}}。',
      },
      'ranking-published': {
        subject: '【三率排名通报】{{number}} {{month}}',
        body: '三率排名通报 {{number}}\n\n{{greeting}}\n\n{{month}} 月度响应率、按期办结率、满意率排名已公布，你单位{{place}}。\n请登录平台查看通报全文：{{url}}',
        place: '本月在本系列排名第 {{rank}} 位（共 {{total}} 个单位参与排名）',
        place_few: '本月受理不足规定件数，不参与排名（件数：{{cases}}）',
        place_none: '本月未列入排名',
      },
      'calendar-missing': {
        subject: '【请录入工作日历】{{year}} 年放假安排',
        body: '系统尚未录入 {{year}} 年的节假日和调休安排。在录入之前，落在 {{year}} 年的办理期限暂按周一至周五计算，并标注为“暂定”。\n国务院办公厅公布 {{year}} 年部分节假日安排后，请在“工作日历”页面录入或一键导入：{{url}}',
      },
    },
  },
  en: {
    mails: {
      signature: 'County Commission for Discipline Inspection and Supervision',
      links: { unitCase: 'Case page', commissionCase: 'Case page', track: 'Follow it' },
      greeting: { unit: 'To {{unit}}:', unitHead: 'To {{unit}}, {{head}}:' },
      'complaint-receipt': {
        subject: 'Receipt for case {{number}}',
        body: 'We received your complaint, case {{number}}, tracking code {{code}}.\nUse the code with the secret shown when you submitted to follow it on the platform. For your protection this mail does not contain the secret.',
      },
      'status-changed': {
        subject: 'Case {{number}}: {{status}}',
        body: 'Case {{number}} you filed is now: {{status}}.',
      },
      'notice-issued': {
        subject: 'Notice for case {{caseNumber}}',
        body: 'Rectification notice {{number}} to {{unit}}: case {{caseNumber}} ({{category}}); correct it and report in writing by {{deadline}} ({{workingDays}} working days).',
        place: 'Place: {{place}}',
        basis: 'Basis: {{basis}}',
        requirements: 'Requirements: {{requirements}}',
      },
      'sent-back': { subject: 'Sent back: {{number}}', body: 'The unit sent case {{number}} back as not its responsibility; please rule.' },
      'extension-requested': { subject: 'Extension asked: {{number}}', body: 'The unit asks for {{days}} more working days on case {{number}}.' },
      'report-submitted': { subject: 'Report {{n}} on {{number}}', body: 'The unit submitted report {{n}} on case {{number}}; please review it.' },
      'send-back-ruled': {
        subject: 'Send-back refused: {{number}}',
        body: '{{greeting}}\n\nRuling: case {{number}} stays with your unit; the deadline ({{deadline}}) stands. Please sign for it.',
        subject_rerouted: 'Re-routed: {{number}}',
        body_rerouted: '{{greeting}}\n\nRuling: case {{number}} was re-routed to another unit.',
      },
      'extension-decided': {
        subject: 'Extension approved: {{number}}',
        body: '{{greeting}}\n\nExtension approved: the deadline moves from {{from}} to {{to}}.',
        subject_refused: 'Extension refused: {{number}}',
        body_refused: '{{greeting}}\n\nExtension refused; the deadline stays {{deadline}}.',
      },
      'report-returned': { subject: 'Report returned: {{number}}', body: '{{greeting}}\n\nReport {{n}} was returned; new deadline {{deadline}}.' },
      'report-accepted': { subject: 'Report accepted: {{number}}', body: '{{greeting}}\n\nReport {{n}} on case {{number}} was accepted and the reply published to the filer.' },
      'case-reopened': { subject: 'Reopened: {{number}}', body: '{{greeting}}\n\nThe filer was dissatisfied; case {{number}} is back with your unit, deadline {{deadline}}.' },
      'reply-published': {
        subject: 'Outcome of case {{number}}',
        body: "Case {{number}} is resolved. The unit's reply is above; please rate it on the platform with your tracking code and secret.",
      },
      'question-asked': {
        subject: 'A question about case {{number}}',
        body: 'The unit handling case {{number}} has a question for you (above); answer it on the tracking page.',
      },
      'sign-reminder': { subject: 'Sign for case {{number}}', body: '{{greeting}}\n\nThe notice for case {{number}} was due to be signed by {{signDue}}. Please sign for it now.' },
      'deadline-reminder': { subject: 'Case {{number}} due {{deadline}}', body: '{{greeting}}\n\nCase {{number}} is due on {{deadline}}. Report in time, or ask for an extension.' },
      urged: {
        subject: 'Overdue: case {{number}}',
        body: '{{greeting}}\n\nCase {{number}} is overdue (deadline {{deadline}}). Report now; a supervision notice follows otherwise.',
        body_manual: '{{greeting}}\n\nThe commission urges case {{number}} (deadline {{deadline}}). Report now; a supervision notice follows otherwise.',
      },
      supervised: {
        subject: 'Supervision notice {{notice}}',
        body: '{{greeting}}\n\nSupervision notice {{notice}}: case {{number}} missed its deadline of {{deadline}}. The head of the unit is to see to it at once.',
        body_early: '{{greeting}}\n\nSupervision notice {{notice}}: case {{number}} (deadline {{deadline}}) is now under supervision. The head of the unit is to see that it is corrected in time.',
      },
      'listed-for-notice': {
        subject: 'Listed for notification: {{number}}',
        body: '{{greeting}}\n\nCase {{number}} is still not corrected after urging and supervision; it is listed for the next county-wide notice and counts as a serious failure.',
      },
      'ballot-link': {
        subject: 'Your ballot',
        body: 'You were drawn to rate the county\'s units. Open the link above (code {{code}}); your ratings can be changed until voting closes, and are anonymous after that.',
      },
      'bulletin-issued': {
        subject: 'Notice of typical cases {{number}}',
        body: '{{greeting}}\n\nNotice {{number}}: "{{title}}", {{cases}} typical case(s); please study it and check your own work.{{corrects}}',
        corrects: 'It corrects {{number}}.',
      },
      'ranking-published': {
        subject: 'Monthly ranking {{month}}',
        body: 'Monthly three-rate ranking {{month}} ({{number}}) published: {{unit}} is {{place}}.',
        place: 'ranked {{rank}} of {{total}} in its series this month',
        place_few: 'too few cases to be ranked this month ({{cases}})',
        place_none: 'not in this month’s ranking',
      },
      'calendar-missing': {
        subject: 'Enter the {{year}} holiday arrangement',
        body: 'The {{year}} holiday arrangement is not entered; deadlines in {{year}} count Monday to Friday and are marked provisional until it is. Enter or import it on the calendar page: {{url}}',
      },
    },
  },
};
