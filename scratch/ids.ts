import { readFileSync } from 'node:fs';
import { writeUnits } from '../scripts/bench/capacity-units';
const writes = readFileSync('/tmp/writes-keys.jsonl','utf8').split('\n').filter(Boolean).map(l=>JSON.parse(l)).filter((w:any)=>w.kind==='LEAD');
const units = (f:(i:any)=>any) => writes.reduce((s:number,w:any)=>s+writeUnits({...(w.before?{before:f(w.before)}:{}), after:f(w.after)}),0);
const base = units((i)=>i);
const drop = (names:string[]) => (i:any) => Object.fromEntries(Object.entries(i).filter(([k])=>!names.includes(k)));
for (const names of [['siteId','leadId'],['lastSeenAt'],['siteId','leadId','lastSeenAt']]) { const u = units(drop(names)); console.log(names.join('+'), u, ((u-base)/base*100).toFixed(1)+'%', '~WU/pv', ((1.481*2878 - base + u)/2878).toFixed(3)); }
