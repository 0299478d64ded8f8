import request from 'supertest';
import type { Express } from 'express';
import { PASSWORD } from './builders';

/** A browser-like agent: keeps cookies, reads the CSRF token from a page. */
export function browser(app: Express) {
  const agent = request.agent(app);
  return {
    agent,
    async csrf(path = '/login'): Promise<string> {
      const res = await agent.get(path).expect(200);
      const m = /name="_csrf" value="([^"]+)"/.exec(res.text);
      if (!m) throw new Error(`no CSRF token on ${path}`);
      return m[1]!;
    },
    async login(username: string, password = PASSWORD) {
      const token = await this.csrf('/login');
      return agent.post('/login').type('form').send({ _csrf: token, username, password });
    },
  };
}
