import request from 'supertest';
import type { Express } from 'express';
import { PASSWORD } from './builders';

/** The CSRF token of the form on a page, and its idempotency key where the form has one. */
export function formTokens(html: string, where = 'the page'): { csrf: string; idempotencyKey: string | undefined } {
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error(`no CSRF token on ${where}`);
  return { csrf, idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(html)?.[1] };
}

/** A browser-like agent: keeps cookies, reads the CSRF token from a page. */
export function browser(app: Express) {
  const agent = request.agent(app);
  return {
    agent,
    async csrf(path = '/login'): Promise<string> {
      const res = await agent.get(path).expect(200);
      return formTokens(res.text, path).csrf;
    },
    async login(username: string, password = PASSWORD) {
      const token = await this.csrf('/login');
      return agent.post('/login').type('form').send({ _csrf: token, username, password });
    },
  };
}

export interface Receipt {
  number: string;
  code: string;
  secret: string;
}

/** Reads the receipt page a citizen lands on after filing. */
export async function readReceipt(agent: ReturnType<typeof request.agent>): Promise<Receipt> {
  const page = await agent.get('/complaints/received').expect(200);
  const grab = (id: string) => new RegExp(`id="${id}"[^>]*>([^<]+)<`).exec(page.text)?.[1]?.trim();
  const number = grab('case-number');
  const code = grab('tracking-code');
  const secret = grab('tracking-secret');
  if (!number || !code || !secret) throw new Error('no receipt on the page');
  return { number, code, secret };
}
