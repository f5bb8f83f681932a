// ordo.v1 as the repo commits it (proto/), loaded as the test suite's Node client loads it.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export function orderService(root) {
  const definition = protoLoader.loadSync('ordo/v1/order_service.proto', {
    includeDirs: [path.join(root, 'proto')],
    keepCase: true,
    enums: String,
    longs: Number,
    defaults: false,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).ordo.v1.OrderService;
}
