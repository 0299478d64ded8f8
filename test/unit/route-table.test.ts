import express, { Router } from 'express';
import { listRoutes } from '../../src/platform/http/route-table';

describe('route table', () => {
  it('when routers are mounted at several depths, then every method and full path is listed once, in order', () => {
    const app = express();
    const inner = Router();
    inner.get('/items/:id', (_req, res) => res.end());
    inner.route('/items').get((_req, res) => res.end()).post((_req, res) => res.end());
    const outer = Router();
    outer.use('/v1', inner);
    outer.get('/ping', (_req, res) => res.end());
    app.use(express.json());
    app.use('/api', (_req, _res, next) => next(), outer);
    app.get('/', (_req, res) => res.end());
    app.get('/', (_req, res) => res.end()); // declared twice, answered by the first
    app.put('/files.:format', (_req, res) => res.end());
    const board = express();
    board.get('/inside', (_req, res) => res.end());
    const guarded = Router();
    guarded.use(board);
    app.use('/board', guarded);

    expect(listRoutes(app)).toEqual([
      { method: 'GET', path: '/api/v1/items/:id' },
      { method: 'GET', path: '/api/v1/items' },
      { method: 'POST', path: '/api/v1/items' },
      { method: 'GET', path: '/api/ping' },
      { method: 'GET', path: '/' },
      { method: 'PUT', path: '/files.:format' },
      { method: 'ALL', path: '/board' },
    ]);
  });
});
