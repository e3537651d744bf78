/**
 * zod's own validation messages in Chinese (its zh-CN locale): a field error that reaches a person is Chinese, also
 * where a schema states no message of its own. Imported for this effect by the schemas' modules (domain/forms.ts,
 * api/errors.ts), so the API and the workflows' form validators answer alike.
 */
import { z } from 'zod';

z.config(z.locales.zhCN());
