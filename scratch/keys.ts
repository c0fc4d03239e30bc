import { readFileSync } from 'node:fs';
import { writeUnits } from '../scripts/bench/capacity-units';
import { openVisits } from '../functions/domain/leads/open-visits';
import { DEDUP_KEY_LENGTH } from '../functions/domain/leads/model';
const writes = readFileSync('/tmp/writes-changes.jsonl','utf8').split('\n').filter(Boolean).map(l=>JSON.parse(l)).filter((w:any)=>w.kind==='LEAD');
const units = (f:(i:any)=>any) => writes.reduce((s:number,w:any)=>s+writeUnits({...(w.before?{before:f(w.before)}:{}), after:f(w.after)}),0);
const base = units((i)=>i);
const shrink = (perKey:number, perVisit:number) => (i:any) => { if (!i.open) return i; const buf = Buffer.from(i.open.B,'base64'); const v = Object.values(openVisits({open: buf} as any)); const n = v.reduce((s:number,x:any)=>s+x.keys.length/DEDUP_KEY_LENGTH,0); return {...i, open:{B: buf.subarray(0, buf.length - n*perKey - v.length*perVisit)}}; };
const dropIds = (i:any) => { const {siteId, leadId, ...r} = i; return r; };
for (const [name,f] of [['as written',(i:any)=>i],['5B keys',shrink(1,0)],['5B keys + 6B visitor',shrink(1,2)],['ids',dropIds],['5B+6B+ids',(i:any)=>dropIds(shrink(1,2)(i))]] as const) { const u = units(f); console.log(name, u, ((u-base)/base*100).toFixed(1)+'%', '~WU/pv', ((1.545*2878 - base + u)/2878).toFixed(3)); }
