// The baselines of `npm run bench`, in a process of their own like the app's web process: a bare
// express app doing the same database work with the raw driver and nothing else (no sessions,
// no auth, no validation, no logging). Usage: node bare-app.mjs <port> <mongodb-uri>
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const express = require('express');
const cookieParser = require('cookie-parser');
const { MongoClient, ObjectId } = createRequire(require.resolve('mongoose'))('mongodb');
const { i18nMiddleware } = require(path.join(ROOT, 'dist/src/i18n/index.js'));
const { HOME_BY_ROLE } = require(path.join(ROOT, 'dist/src/auth/auth.routes.js'));

const [port, uri] = process.argv.slice(2);
const client = new MongoClient(uri);
await client.connect();
const db = client.db();

const app = express();
app.set('views', path.join(ROOT, 'views'));
app.set('view engine', 'ejs');
app.set('view cache', true);
app.use(express.json({ limit: '100kb' }));
app.use(cookieParser());

// One insertOne: what filing a complaint costs at the least.
app.post('/insert', async (req, res) => {
  const r = await db.collection('bare_inserts').insertOne({ ...req.body, at: new Date() });
  res.status(201).json({ id: String(r.insertedId) });
});

// One findOne by _id: what reading a case costs at the least.
app.get('/cases/:id', async (req, res) => {
  const c = await db.collection('cases').findOne({ _id: new ObjectId(req.params.id) });
  if (!c) return res.status(404).json({ error: 'not_found' });
  res.json(c);
});

// The public form from two raw finds and the same EJS view with the locals the layout reads.
app.get('/complaints/new', i18nMiddleware, async (req, res) => {
  const [categories, units] = await Promise.all([
    db.collection('categories').find({ active: true }).sort({ order: 1, code: 1 }).toArray(),
    db.collection('units').find({ active: true }).sort({ code: 1 }).toArray(),
  ]);
  Object.assign(res.locals, { path: req.path, homeByRole: HOME_BY_ROLE, user: null, csrfToken: randomBytes(24).toString('base64url') });
  res.setHeader('Cache-Control', 'no-store');
  res.render('public/complaint', {
    categories: categories.map((c) => ({ code: c.code, nameZh: c.nameZh, nameEn: c.nameEn })),
    units: units.map((u) => ({ id: String(u._id), code: u.code, series: u.series, nameZh: u.nameZh, nameEn: u.nameEn })),
    values: {},
    errors: {},
    idempotencyKey: randomBytes(16).toString('base64url'),
    mode: 'public',
    action: '/complaints',
  });
});

const server = app.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => {
  server.close();
  void client.close().then(() => process.exit(0));
});
