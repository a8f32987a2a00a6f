import { Hono } from 'hono';
import * as z from 'zod/mini';
import {
  Account,
  AccountDeleted,
  AccountList,
  BrandSettings,
  ErrorBody,
  Flow,
  HostedAuthUrl,
  IdentityWebhookEvent,
  LinkRequest,
  LoginUrl,
  LoginUrlRequest,
  Message,
  MessageCreateRequest,
  MessageList,
  MessageLookup,
  MessageWebhookEvent,
  OAuthClient,
  OAuthClientDeleted,
  OAuthClientList,
  OAuthClientRequest,
  OnboardingSettings,
  OpenFlowRequest,
  OpenFlowResponse,
  StepInput,
  TenantWebhook,
  TenantMfaSettings,
  User,
  UserCreateRequest,
  UserDeleted,
  UserTokenAnswer,
  UserTokenRequest,
  UserTokenSettings,
  UserTokenSettingsRequest,
  UserList,
  UserPasswordRequest,
  UserStatusRequest,
  UserUpdateRequest,
  WebhookEvent,
} from '../../protocol/index.js';
import type { AppEnv } from '../context.js';

const schema = (value: z.ZodMiniType) => z.toJSONSchema(value, { io: 'input', unrepresentable: 'any' });
const json = (name: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } });
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, { description: 'Error', ...json('ErrorBody') }]));

/** The OpenAPI document, derived from the protocol's zod schemas rather than written by hand. */
export function openApiDocument(publicUrl: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Keyway API', version: '1' },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-KEY' }, flowToken: { type: 'http', scheme: 'bearer' }, privateTokenKey: { type: 'http', scheme: 'bearer', description: 'The tenant’s private token key (kwpt_…)' } },
      schemas: {
        LinkRequest: schema(LinkRequest),
        HostedAuthURL: schema(HostedAuthUrl),
        OpenFlowRequest: schema(OpenFlowRequest),
        OpenFlowResponse: schema(OpenFlowResponse),
        Flow: schema(Flow),
        StepInput: schema(StepInput),
        WebhookEvent: schema(WebhookEvent),
        ErrorBody: schema(ErrorBody),
        Account: schema(Account),
        AccountList: schema(AccountList),
        AccountDeleted: schema(AccountDeleted),
        BrandSettings: schema(BrandSettings),
        User: schema(User),
        UserList: schema(UserList),
        UserDeleted: schema(UserDeleted),
        UserCreateRequest: schema(UserCreateRequest),
        UserUpdateRequest: schema(UserUpdateRequest),
        UserStatusRequest: schema(UserStatusRequest),
        UserPasswordRequest: schema(UserPasswordRequest),
        OAuthClient: schema(OAuthClient),
        OAuthClientList: schema(OAuthClientList),
        OAuthClientDeleted: schema(OAuthClientDeleted),
        OAuthClientRequest: schema(OAuthClientRequest),
        LoginUrlRequest: schema(LoginUrlRequest),
        LoginUrl: schema(LoginUrl),
        UserTokenRequest: schema(UserTokenRequest),
        UserTokenAnswer: schema(UserTokenAnswer),
        UserTokenSettings: schema(UserTokenSettings),
        UserTokenSettingsRequest: schema(UserTokenSettingsRequest),
        TenantWebhook: schema(TenantWebhook),
        TenantMfaSettings: schema(TenantMfaSettings),
        OnboardingSettings: schema(OnboardingSettings),
        IdentityWebhookEvent: schema(IdentityWebhookEvent),
        Message: schema(Message),
        MessageCreateRequest: schema(MessageCreateRequest),
        MessageLookup: schema(MessageLookup),
        MessageList: schema(MessageList),
        MessageWebhookEvent: schema(MessageWebhookEvent),
      },
    },
    paths: {
      '/api/v1/hosted/accounts/link': {
        post: {
          summary: 'Create a hosted auth link',
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('LinkRequest') },
          responses: { 201: { description: 'The link', ...json('HostedAuthURL') }, ...errors(400, 401, 404, 415, 422) },
        },
      },
      '/api/v1/accounts': {
        get: {
          summary: 'List connected accounts, newest first',
          security: [{ apiKey: [] }],
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { 200: { description: 'A page of accounts', ...json('AccountList') }, ...errors(401, 422) },
        },
      },
      '/api/v1/accounts/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: { summary: 'Read an account', security: [{ apiKey: [] }], responses: { 200: { description: 'The account', ...json('Account') }, ...errors(401, 404) } },
        delete: { summary: 'Delete an account', security: [{ apiKey: [] }], responses: { 200: { description: 'Deleted', ...json('AccountDeleted') }, ...errors(401, 404) } },
      },
      '/api/v1/users': {
        get: {
          summary: 'List users, newest first; filter by email (exact, ignoring case) and type',
          security: [{ apiKey: [] }],
          parameters: [
            { name: 'email', in: 'query', schema: { type: 'string', format: 'email' } },
            { name: 'type', in: 'query', schema: { type: 'string', enum: ['PERSONAL', 'BUSINESS'] } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { 200: { description: 'A page of users', ...json('UserList') }, ...errors(401, 422) },
        },
        post: {
          summary: 'Create a user',
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('UserCreateRequest') },
          responses: { 201: { description: 'The user', ...json('User') }, ...errors(400, 401, 409, 415, 422) },
        },
      },
      '/api/v1/users/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: { summary: 'Read a user', security: [{ apiKey: [] }], responses: { 200: { description: 'The user', ...json('User') }, ...errors(401, 404) } },
        put: {
          summary: "Change a user's details (fields not sent stay)",
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('UserUpdateRequest') },
          responses: { 200: { description: 'The user', ...json('User') }, ...errors(400, 401, 404, 409, 415, 422) },
        },
        delete: { summary: 'Delete a user and end its sessions', security: [{ apiKey: [] }], responses: { 200: { description: 'Deleted', ...json('UserDeleted') }, ...errors(401, 404) } },
      },
      '/api/v1/users/{id}/login_url': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        post: {
          summary: 'A single-use login URL for the user (seed 004); the body is optional',
          security: [{ apiKey: [] }],
          requestBody: { required: false, ...json('LoginUrlRequest') },
          responses: { 201: { description: 'The login URL', ...json('LoginUrl') }, ...errors(400, 401, 404, 409, 415, 422) },
        },
      },
      '/api/v1/user/token': {
        post: {
          summary: 'A single-use user token that signs the user in at /login/?token= (seed 002); creates the user on first use',
          security: [{ privateTokenKey: [] }],
          requestBody: { required: true, ...json('UserTokenRequest') },
          responses: { 200: { description: 'The token', ...json('UserTokenAnswer') }, ...errors(400, 401, 409, 415, 422, 429) },
        },
      },
      '/api/v1/user/token/settings': {
        get: { summary: 'How long your user tokens live', security: [{ apiKey: [] }], responses: { 200: { description: 'The settings', ...json('UserTokenSettings') }, ...errors(401) } },
        put: {
          summary: 'Set how long your user tokens live (60 to 3600 s; null: the default, 600)',
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('UserTokenSettingsRequest') },
          responses: { 200: { description: 'The settings', ...json('UserTokenSettings') }, ...errors(400, 401, 415, 422) },
        },
      },
      '/api/v1/webhook': {
        get: { summary: 'The webhook URL of sign-in events', security: [{ apiKey: [] }], responses: { 200: { description: 'The URL', ...json('TenantWebhook') }, ...errors(401, 404) } },
        put: {
          summary: 'Set where sign-in events (IdentityWebhookEvent) go',
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('TenantWebhook') },
          responses: { 200: { description: 'The URL', ...json('TenantWebhook') }, ...errors(400, 401, 415, 422) },
        },
        delete: { summary: 'Send sign-in events nowhere', security: [{ apiKey: [] }], responses: { 204: { description: 'Removed' }, ...errors(401) } },
      },
      '/api/v1/settings/mfa': {
        get: { summary: 'Whether the wizard makes users without MFA set it up', security: [{ apiKey: [] }], responses: { 200: { description: 'The setting', ...json('TenantMfaSettings') }, ...errors(401) } },
        put: {
          summary: 'Require MFA at wizard sign-ins (users without it set it up first)',
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('TenantMfaSettings') },
          responses: { 200: { description: 'The setting', ...json('TenantMfaSettings') }, ...errors(400, 401, 415, 422) },
        },
      },
      '/api/v1/settings/onboarding': {
        get: { summary: 'What openOnboarding=true asks before a user token signs in (the defaults until set)', security: [{ apiKey: [] }], responses: { 200: { description: 'The settings', ...json('OnboardingSettings') }, ...errors(401) } },
        put: {
          summary: 'Set the onboarding: profile fields (required or not), password and MFA set-up (off, optional or required)',
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('OnboardingSettings') },
          responses: { 200: { description: 'The settings', ...json('OnboardingSettings') }, ...errors(400, 401, 415, 422) },
        },
      },
      '/api/v1/users/{id}/password': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        put: {
          summary: "Set the user's password (ends its sessions); 422 names the policy rule that failed",
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('UserPasswordRequest') },
          responses: { 204: { description: 'Set' }, ...errors(400, 401, 404, 415, 422) },
        },
        delete: { summary: "Remove the user's password", security: [{ apiKey: [] }], responses: { 204: { description: 'Removed' }, ...errors(401, 404) } },
      },
      '/api/v1/users/{id}/status': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        put: {
          summary: 'Activate or deactivate a user (deactivating ends its sessions)',
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('UserStatusRequest') },
          responses: { 200: { description: 'The user', ...json('User') }, ...errors(400, 401, 404, 415, 422) },
        },
      },
      '/api/v1/messages': {
        get: {
          summary: 'Identify a message and its client by token (seed 000; empty for a token that names no message of yours), or list a client’s messages, newest first',
          security: [{ apiKey: [] }],
          parameters: [
            { name: 'token', in: 'query', schema: { type: 'string', format: 'uuid' }, description: 'Exactly one of token or clientId' },
            { name: 'clientId', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { 200: { description: 'By token: MessageLookup; by clientId: MessageList', content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/MessageLookup' }, { $ref: '#/components/schemas/MessageList' }] } } } }, ...errors(401, 422, 429) },
        },
        post: {
          summary: 'Mail a message to a client (a user id, or an email: created if new) with its token in every link; the token is in this answer only',
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('MessageCreateRequest') },
          responses: { 201: { description: 'The message, scheduled or queued', ...json('Message') }, ...errors(400, 401, 404, 409, 413, 415, 422) },
        },
      },
      '/api/v1/messages/{messageId}': {
        parameters: [{ name: 'messageId', in: 'path', required: true, schema: { type: 'string' } }],
        get: { summary: 'Read a message and its delivery', security: [{ apiKey: [] }], responses: { 200: { description: 'The message', ...json('Message') }, ...errors(401, 404) } },
      },
      '/api/v1/oauth/clients': {
        get: { summary: 'List your OAuth clients (never their secrets)', security: [{ apiKey: [] }], responses: { 200: { description: 'The clients', ...json('OAuthClientList') }, ...errors(401) } },
        post: {
          summary: 'Register an OAuth client; the secret is in this answer only',
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('OAuthClientRequest') },
          responses: { 201: { description: 'The client', ...json('OAuthClient') }, ...errors(400, 401, 415, 422) },
        },
      },
      '/api/v1/oauth/clients/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: { summary: 'Read an OAuth client', security: [{ apiKey: [] }], responses: { 200: { description: 'The client', ...json('OAuthClient') }, ...errors(401, 404) } },
        delete: {
          summary: 'Revoke an OAuth client and the sessions issued to it',
          security: [{ apiKey: [] }],
          responses: { 200: { description: 'Revoked', ...json('OAuthClientDeleted') }, ...errors(401, 404) },
        },
      },
      '/api/v1/brand': {
        get: { summary: 'Read your white-label brand', security: [{ apiKey: [] }], responses: { 200: { description: 'The brand', ...json('BrandSettings') }, ...errors(401, 404) } },
        put: {
          summary: 'Set your white-label brand and domain',
          security: [{ apiKey: [] }],
          requestBody: { required: true, ...json('BrandSettings') },
          responses: { 200: { description: 'The brand', ...json('BrandSettings') }, ...errors(400, 401, 409, 415, 422) },
        },
        delete: { summary: 'Remove your brand', security: [{ apiKey: [] }], responses: { 204: { description: 'Removed' }, ...errors(401, 404) } },
      },
      '/api/v1/flows': {
        post: {
          summary: 'Open a flow from a link token',
          requestBody: { required: true, ...json('OpenFlowRequest') },
          responses: { 201: { description: 'The flow and its token', ...json('OpenFlowResponse') }, ...errors(404, 409, 410, 422) },
        },
      },
      '/api/v1/flows/current': {
        get: { summary: 'The current flow', security: [{ flowToken: [] }], responses: { 200: { description: 'The flow', ...json('Flow') }, ...errors(401) } },
      },
      '/api/v1/flows/current/steps': {
        post: {
          summary: "Answer the current step",
          security: [{ flowToken: [] }],
          requestBody: { required: true, ...json('StepInput') },
          responses: { 200: { description: 'The flow after the step', ...json('Flow') }, ...errors(401, 409, 410, 422) },
        },
      },
    },
  };
}

export function openApiRoutes(publicUrl: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const document = openApiDocument(publicUrl);
  app.get('/openapi.json', (c) => c.json(document));
  return app;
}
