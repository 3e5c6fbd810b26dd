// Validates rendered Kubernetes objects against schemas for their kinds (deploy/schemas/README.md):
// - built-in kinds: the Kubernetes OpenAPI schema as compiled by kubernetes-models (required
//   fields, types, enums), plus a strict unknown-field check generated from
//   @kubernetes/client-node's models (the API server would silently drop a misspelt field);
// - OpenShift/operator CRDs: JSON Schemas kept in deploy/schemas/, compiled with ajv.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import * as k8s from '@kubernetes/client-node';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { DEPLOY_DIR, objectKey, type K8sObject } from './render.ts';

interface BuiltIn {
  /** kubernetes-models class: `new Model(obj).validate()` throws on a schema violation. */
  model: new (data: never) => { validate(): void };
  /** @kubernetes/client-node model name, root of the strict unknown-field schema. */
  clientModel: string;
}

const BUILT_INS: Record<string, BuiltIn> = {
  'v1/Namespace': { model: Namespace, clientModel: 'V1Namespace' },
  'v1/ServiceAccount': { model: ServiceAccount, clientModel: 'V1ServiceAccount' },
  'v1/ConfigMap': { model: ConfigMap, clientModel: 'V1ConfigMap' },
  'v1/Service': { model: Service, clientModel: 'V1Service' },
  'v1/PersistentVolumeClaim': { model: PersistentVolumeClaim, clientModel: 'V1PersistentVolumeClaim' },
  'v1/Pod': { model: Pod, clientModel: 'V1Pod' },
  'apps/v1/Deployment': { model: Deployment, clientModel: 'V1Deployment' },
  'apps/v1/DaemonSet': { model: DaemonSet, clientModel: 'V1DaemonSet' },
  'rbac.authorization.k8s.io/v1/ClusterRole': { model: ClusterRole, clientModel: 'V1ClusterRole' },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': {
    model: ClusterRoleBinding,
    clientModel: 'V1ClusterRoleBinding',
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': { model: RoleBinding, clientModel: 'V1RoleBinding' },
  'rbac.authorization.k8s.io/v1/Role': { model: Role, clientModel: 'V1Role' },
  'networking.k8s.io/v1/NetworkPolicy': { model: NetworkPolicy, clientModel: 'V1NetworkPolicy' },
};

const ajv = new Ajv2020({ allErrors: true, strict: true });

type JsonSchema = Record<string, unknown>;
type ClientModel = { getAttributeTypeMap(): { name: string; baseName: string; type: string }[] };
const clientModels = k8s as unknown as Record<string, ClientModel | undefined>;

/**
 * JSON Schema that knows every property name of a client-node model, recursively, and nothing
 * about leaf types (kubernetes-models checks those): it exists to reject unknown fields.
 */
export function unknownFieldSchema(root: string): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const typeSchema = (type: string): JsonSchema => {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) return { type: 'array', items: typeSchema(array[1]!) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: 'object', additionalProperties: typeSchema(map[1]!) };
    const model = clientModels[type];
    if (!model?.getAttributeTypeMap) return {}; // string, number, boolean, Date, IntOrString, any
    if (!defs[type]) {
      defs[type] = {}; // placeholder first: models are recursive (JSONSchemaProps, …)
      const properties: Record<string, JsonSchema> = {};
      for (const attr of model.getAttributeTypeMap()) properties[attr.baseName] = typeSchema(attr.type);
      defs[type] = { type: 'object', properties, additionalProperties: false };
    }
    return { $ref: `#/$defs/${type}` };
  };
  const rootRef = typeSchema(root);
  if (!defs[root]) throw new Error(`@kubernetes/client-node has no model ${root}`);
  return { ...rootRef, $defs: defs };
}

const strictValidators = new Map<string, ValidateFunction>();
function strictValidator(clientModel: string): ValidateFunction {
  let v = strictValidators.get(clientModel);
  if (!v) {
    v = ajv.compile(unknownFieldSchema(clientModel));
    strictValidators.set(clientModel, v);
  }
  return v;
}

const crdValidators = new Map<string, ValidateFunction>();
for (const file of readdirSync(join(DEPLOY_DIR, 'schemas')).filter((f) => f.endsWith('.json'))) {
  const schema = JSON.parse(readFileSync(join(DEPLOY_DIR, 'schemas', file), 'utf8')) as {
    properties: { apiVersion: { const: string }; kind: { const: string } };
  };
  crdValidators.set(
    `${schema.properties.apiVersion.const}/${schema.properties.kind.const}`,
    ajv.compile(schema),
  );
}

function ajvErrors(v: ValidateFunction): string[] {
  return (v.errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
        : e.keyword === 'enum'
          ? ` (${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})`
          : '';
    return `${e.instancePath || '/'} ${e.message}${extra}`;
  });
}

/** Every schema violation of one object, each prefixed with the object's identity; [] when valid. */
export function validateObject(obj: K8sObject): string[] {
  const id = objectKey(obj);
  const kindKey = `${obj.apiVersion}/${obj.kind}`;
  const builtIn = BUILT_INS[kindKey];
  const errors: string[] = [];
  if (builtIn) {
    try {
      new builtIn.model(obj as never).validate();
    } catch (e) {
      errors.push(`${(e as Error).message}`);
    }
    const strict = strictValidator(builtIn.clientModel);
    if (!strict(obj)) errors.push(...ajvErrors(strict).map((m) => `unknown field: ${m}`));
  } else {
    const crd = crdValidators.get(kindKey);
    if (!crd) return [`${id}: no schema for ${kindKey} (add one to deploy/schemas/)`];
    if (!crd(obj)) errors.push(...ajvErrors(crd));
  }
  return errors.map((m) => `${id}: ${m}`);
}
