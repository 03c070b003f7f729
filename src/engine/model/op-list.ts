/**
 * The TensorFlow ops tfjs-converter can execute. The converter does not export this list, but its
 * op tables are plain data modules, the same ones its OperationMapper concatenates.
 */
import { json as arithmetic } from '@tensorflow/tfjs-converter/dist/operations/op_list/arithmetic';
import { json as basicMath } from '@tensorflow/tfjs-converter/dist/operations/op_list/basic_math';
import { json as control } from '@tensorflow/tfjs-converter/dist/operations/op_list/control';
import { json as convolution } from '@tensorflow/tfjs-converter/dist/operations/op_list/convolution';
import { json as creation } from '@tensorflow/tfjs-converter/dist/operations/op_list/creation';
import { json as dynamic } from '@tensorflow/tfjs-converter/dist/operations/op_list/dynamic';
import { json as evaluation } from '@tensorflow/tfjs-converter/dist/operations/op_list/evaluation';
import { json as graph } from '@tensorflow/tfjs-converter/dist/operations/op_list/graph';
import { json as hashTable } from '@tensorflow/tfjs-converter/dist/operations/op_list/hash_table';
import { json as image } from '@tensorflow/tfjs-converter/dist/operations/op_list/image';
import { json as logical } from '@tensorflow/tfjs-converter/dist/operations/op_list/logical';
import { json as matrices } from '@tensorflow/tfjs-converter/dist/operations/op_list/matrices';
import { json as normalization } from '@tensorflow/tfjs-converter/dist/operations/op_list/normalization';
import { json as reduction } from '@tensorflow/tfjs-converter/dist/operations/op_list/reduction';
import { json as sliceJoin } from '@tensorflow/tfjs-converter/dist/operations/op_list/slice_join';
import { json as sparse } from '@tensorflow/tfjs-converter/dist/operations/op_list/sparse';
import { json as spectral } from '@tensorflow/tfjs-converter/dist/operations/op_list/spectral';
import { json as string } from '@tensorflow/tfjs-converter/dist/operations/op_list/string';
import { json as transformation } from '@tensorflow/tfjs-converter/dist/operations/op_list/transformation';

const TABLES = [
  arithmetic, basicMath, control, convolution, creation, dynamic, evaluation, graph, hashTable,
  image, logical, matrices, normalization, reduction, sliceJoin, sparse, spectral, string, transformation,
];

let known: Set<string> | null = null;

export function isKnownGraphOp(op: string): boolean {
  known ??= new Set(TABLES.flatMap((t) => t.map((m) => m.tfOpName)));
  return known.has(op);
}
