import type { Messages } from './zh-CN';

export const en: Messages = {
  app: { title: 'County Discipline Inspection Commission: Complaints and Supervision', short: 'Complaints & Supervision', switchLang: '中文' },
  nav: { home: 'Home', file: 'File a complaint', login: 'Log in', logout: 'Log out', cases: 'Cases', inbox: 'Unit inbox', queues: 'Job queues', units: 'Units', tokens: 'API tokens', portal: 'Supervisor portal' },
  home: {
    lead: 'Complaints from citizens and special supervisors go in writing to the responsible unit with a correction deadline; overdue items are escalated, and every unit\'s record feeds the annual evaluation.',
    fileCta: 'File a complaint',
    staffCta: 'Staff log in',
    welcome: 'Hello, {{name}}',
  },
  complaint: {
    title: 'File a complaint',
    intro: 'You may stay anonymous; leave a contact if you want to hear about the outcome. Your identity is never shown to the unit concerned.',
    category: 'Category', chooseCategory: 'Choose a category',
    unit: 'Unit concerned (if known)', unknownUnit: 'Not sure / let the commission decide',
    description: 'Description', descriptionHint: '10 to 4,000 characters: when, where, what happened, who was involved',
    place: 'Place', name: 'Name (optional)', phone: 'Phone (optional)', email: 'Email (optional)',
    submit: 'Submit', anonymousNote: 'Leave name and contact empty to complain anonymously.',
    doneTitle: 'Your complaint has been received', doneNumber: 'Case number', doneText: 'It will be routed to the responsible unit with a written order to correct it within a deadline.',
    another: 'File another',
  },
  auth: {
    title: 'Staff log in', username: 'Username', password: 'Password', submit: 'Log in',
    failed: 'Wrong username or password', throttled: 'Too many failed attempts; try again in {{minutes}} minutes', loggedOut: 'You have logged out',
  },
  cases: {
    title: 'All cases', inboxTitle: 'Cases for my unit', mineTitle: 'My feedback', none: 'No cases yet',
    number: 'Number', status: 'Status', category: 'Category', unit: 'Unit', submittedAt: 'Submitted', description: 'Description', channel: 'Channel',
  },
  status: {
    submitted: 'Submitted', triaged: 'Triaged', assigned: 'Assigned', acknowledged: 'Acknowledged', responded: 'Responded',
    resolved: 'Resolved', closed: 'Closed', rejected: 'Rejected',
  },
  channel: { web: 'Web', phone: 'Phone', visit: 'Visit', letter: 'Letter', supervisor: 'Supervisor', campaign: 'Letter campaign', open311: 'Open311', api: 'API' },
  series: { law_enforcement: 'Law enforcement', comprehensive_management: 'Comprehensive management', window_service: 'Window service' },
  units: { title: 'Units', code: 'Code', name: 'Name', series: 'Series', vertical: 'Vertical', emails: 'Notice emails' },
  tokens: {
    title: 'API tokens', intro: 'For the JSON API (Authorization: Bearer <token>). A token is shown once; keep it safe.',
    label: 'Label', create: 'Create token', created: 'New token (shown only this once):', none: 'No tokens yet', lastUsed: 'Last used', revoke: 'Revoke',
  },
  supervisor: { title: 'Special supervisor portal', term: 'Term', area: 'Area' },
  errors: {
    title: 'Something went wrong', back: 'Back to home',
    400: 'Something in the form is not right; please check and try again.', 401: 'Please log in first.', 403: 'You are not allowed to open this page.', 404: 'Page not found.',
    413: 'What you sent is too large.', 429: 'Too many requests; please wait and try again.', 500: 'Internal error; please try again later.', 503: 'The service is temporarily unavailable; please try again later.',
    csrf_invalid: 'This page has expired or came from elsewhere; reload it and submit again.',
    fix: 'Please correct the fields marked in red.',
  },
  field: {
    required: 'Required', too_short: 'Too short', too_long: 'Too long', invalid: 'Invalid format', unknown_category: 'Choose a valid category',
    unknown_unit: 'Choose a valid unit', invalid_phone: 'Invalid phone number', invalid_email: 'Invalid email address',
  },
};
