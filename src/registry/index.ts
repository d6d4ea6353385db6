/**
 * The registry client (OCI distribution spec): pull images into the store, push them from it,
 * resolve references to descriptors. Auth follows Docker (~/.docker/config.json, credential
 * helpers, Basic and Bearer-token challenges); loopback registries may use plain HTTP; docker.io
 * pulls go through configured mirrors first. Every failure is a one-line DrydockError.
 */
export { pullImage, type PullResult } from './pull.js';
export { pushImage, pushBlobs } from './push.js';
export { resolveRemote } from './remote.js';
export { RegistryClient, MANIFEST_ACCEPT, type ClientOptions, type SendRequest, type RegistryResponse } from './client.js';
export { endpointsFor, isLoopback, type Endpoint, type EndpointOptions } from './endpoint.js';
export { endpointOptions } from './settings.js';
export type { BlobSource, UploadOptions } from './upload.js';
export type { RegistryOptions, PullOptions, PushOptions, TransferEvent } from './types.js';
export { getCredentials, saveCredentials, removeCredentials, authKey, defaultDockerConfigPath } from './auth/dockerconfig.js';
export { repositoryScope } from './auth/authorizer.js';
export type { Credentials } from './auth/types.js';
export { login, logout, registryDomain } from './login.js';
