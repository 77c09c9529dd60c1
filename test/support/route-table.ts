import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_POLICY, AccessPolicy } from '../../apps/ledger-api/src/auth/access-policy';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  policy: AccessPolicy | undefined;
}

const join = (...parts: string[]) => `/${parts.map((p) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;

/** Every HTTP route the app serves, read from Nest's own metadata, with its declared access policy. */
export function routeTable(app: INestApplication): Route[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  return discovery.getControllers().flatMap((wrapper) => {
    const type = wrapper.metatype as new (...args: unknown[]) => unknown;
    const prototype = type.prototype as Record<string, (...args: unknown[]) => unknown>;
    const base = Reflect.getMetadata(PATH_METADATA, type) as string;
    return scanner.getAllMethodNames(prototype).flatMap((name) => {
      const handler = prototype[name];
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (path === undefined) return [];
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number] as Route['method'];
      return [{ method, path: join(base, path), policy: reflector.getAllAndOverride<AccessPolicy>(ACCESS_POLICY, [handler, type]) }];
    });
  });
}
