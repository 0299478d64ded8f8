#!/usr/bin/env python3
# An independent check of a draw, in another language than the system (Python 3 standard library
# only), from the README's description alone: python3 scripts/verify-draw.py snapshot.json "<seed>"
# prints the snapshot's SHA-256 and the panel, in the same order as `npm run draw:verify`.
import hashlib, hmac, json, sys
snap, seed = json.load(open(sys.argv[1], encoding='utf-8')), sys.argv[2]
q = snap['quota']
canon = {'evaluation': snap['evaluation'], 'takenAt': snap['takenAt'],
         'quota': {'entrepreneur': q['entrepreneur'], 'public': q['public'],
                   'groups': {k: dict(sorted((q.get('groups') or {}).get(k, {}).items())) for k in ('entrepreneur', 'public')}},
         'people': [{'id': p['id'], 'kind': p['kind'], 'group': p.get('group')} for p in sorted(snap['people'], key=lambda p: p['id'])]}
print('sha256', hashlib.sha256(json.dumps(canon, ensure_ascii=False, separators=(',', ':')).encode()).hexdigest())
for kind in ('entrepreneur', 'public'):
    key = lambda p: (hmac.new(seed.encode(), p['id'].encode(), hashlib.sha256).hexdigest(), p['id'])
    ordered = sorted((p for p in snap['people'] if p['kind'] == kind), key=key)
    chosen = set()
    for group, n in ((q.get('groups') or {}).get(kind) or {}).items():
        chosen.update([p['id'] for p in ordered if p.get('group') == group and p['id'] not in chosen][:n])
    for p in ordered:
        if len(chosen) >= q[kind]: break
        chosen.add(p['id'])
    for i, p in enumerate([p for p in ordered if p['id'] in chosen], 1): print(kind, i, p['id'])
