import request from 'supertest';
import { Category } from '../../src/cases/category.model';
import { useTestApp } from '../helpers/app';
import { givenUser } from '../helpers/builders';
import { browser, formTokens } from '../helpers/http';

const t = useTestApp();

async function asAdmin() {
  await givenUser('admin', { username: 'root' });
  const b = browser(t.app);
  await b.login('root');
  return b;
}

describe('complaint categories kept by the administrator', () => {
  it('when the admin adds a category, then it appears on the public form', async () => {
    const b = await asAdmin();
    const csrf = await b.csrf('/admin/categories');
    await b.agent.post('/admin/categories').type('form').send({ _csrf: csrf, code: 'land', nameZh: '征地拆迁', nameEn: 'Land requisition' }).expect(303);
    expect(await Category.findOne({ code: 'land', active: true }).lean()).not.toBeNull();
    const form = await request(t.app).get('/complaints/new').expect(200);
    expect(form.text).toContain('<option value="land"');
  });

  it('when the admin switches a category off, then the form no longer offers it and filing with it is refused', async () => {
    const b = await asAdmin();
    const csrf = await b.csrf('/admin/categories');
    await b.agent.post('/admin/categories/favours/active').type('form').send({ _csrf: csrf, active: 'false' }).expect(303);
    const form = browser(t.app);
    const page = await form.agent.get('/complaints/new').expect(200);
    expect(page.text).not.toContain('<option value="favours"');
    const { csrf: token } = formTokens(page.text);
    const res = await form.agent.post('/complaints').type('form').send({ _csrf: token, categoryCode: 'favours', description: '某单位工作人员索要好处费。' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="categoryCode-error"');
  });

  it('when the code is malformed or taken, then the form says so and nothing is added', async () => {
    const b = await asAdmin();
    const before = await Category.countDocuments();
    const csrf = await b.csrf('/admin/categories');
    const bad = await b.agent.post('/admin/categories').type('form').send({ _csrf: csrf, code: 'Bad Code', nameZh: '某', nameEn: 'X' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="code-error"');
    expect(bad.text).toContain('id="nameZh-error"');
    const taken = await b.agent.post('/admin/categories').type('form').send({ _csrf: csrf, code: 'other', nameZh: '其他类', nameEn: 'Other again' });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('代码已存在');
    expect(await Category.countDocuments()).toBe(before);
  });

  it('when commission staff open the category admin, then they get 403', async () => {
    await givenUser('commission', { username: 'wang' });
    const b = browser(t.app);
    await b.login('wang');
    await b.agent.get('/admin/categories').expect(403);
  });
});
