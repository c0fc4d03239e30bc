import { readFileSync } from 'node:fs';
import { brotliCompressSync, brotliDecompressSync, deflateRawSync, constants } from 'node:zlib';
import { unmarshall } from '@aws-sdk/util-dynamodb';
const writes = readFileSync('/tmp/writes-packed.jsonl','utf8').split('\n').filter(Boolean).map(l=>JSON.parse(l)).filter((w:any)=>w.kind==='LEAD' && w.after.recent);
const vals = writes.map((w:any)=>Buffer.from(JSON.stringify(unmarshall({r:w.after.recent, p: w.after.lastPaths ?? {L:[]}} as any))));
for (const q of [1,3,4,5,6,9,11]) { let size=0; const t0=performance.now(); const out = vals.map(v=>brotliCompressSync(v,{params:{[constants.BROTLI_PARAM_QUALITY]:q, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: v.length}})); const t1=performance.now(); out.forEach(o=>size+=o.length); const t2=performance.now(); out.forEach(o=>brotliDecompressSync(o)); const t3=performance.now();
 console.log('q',q,'avg in', (vals.reduce((s,v)=>s+v.length,0)/vals.length).toFixed(0),'avg out',(size/vals.length).toFixed(0),'compress µs',((t1-t0)/vals.length*1000).toFixed(0),'decompress µs',((t3-t2)/vals.length*1000).toFixed(0)); }
