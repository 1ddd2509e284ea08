import { z } from "zod";

export const ZRole = z.enum(["ADMIN", "REVIEWER", "LABELER"]);
export const ZEmail = z.string().trim().toLowerCase().email("must be an email address").max(254);
export const ZPassword = z.string().min(8, "must be at least 8 characters").max(256);

export const ZCreateUserRequest = z.object({
  email: ZEmail,
  password: ZPassword,
  role: ZRole.default("LABELER"),
  name: z.string().trim().max(120).optional(),
});
export type TCreateUserRequest = z.infer<typeof ZCreateUserRequest>;

export const ZUpdateUserRequest = z
  .object({ role: ZRole.optional(), active: z.boolean().optional(), name: z.string().trim().max(120).optional() })
  .refine((v) => Object.keys(v).length > 0, "give at least one of role, active, name");
export type TUpdateUserRequest = z.infer<typeof ZUpdateUserRequest>;

export const ZCreateTokenRequest = z.object({ name: z.string().trim().min(1, "must not be empty").max(80).default("API token") });
export type TCreateTokenRequest = z.infer<typeof ZCreateTokenRequest>;

export const ZCreateInviteRequest = z.object({
  email: ZEmail,
  role: ZRole.default("LABELER"),
  projectId: z.string().min(1).optional(),
  expiresInDays: z.coerce.number().int().min(1).max(60).default(7),
});
export type TCreateInviteRequest = z.infer<typeof ZCreateInviteRequest>;

export const ZAcceptInviteRequest = z.object({
  token: z.string().min(10),
  name: z.string().trim().max(120).optional(),
  password: ZPassword,
});
export type TAcceptInviteRequest = z.infer<typeof ZAcceptInviteRequest>;

export const ZSetupRequest = z.object({ email: ZEmail, password: ZPassword, name: z.string().trim().max(120).optional() });

export const ZAddMemberRequest = z.object({
  email: ZEmail.optional(),
  userId: z.string().min(1).optional(),
  role: z.enum(["LABELER", "REVIEWER"]).default("LABELER"),
}).refine((v) => v.email || v.userId, "give email or userId");

export const ZChangePasswordRequest = z
  .object({ currentPassword: z.string().min(1, "must not be empty").max(256), newPassword: ZPassword })
  .refine((v) => v.newPassword !== v.currentPassword, { path: ["newPassword"], message: "must differ from the current password" });
export type TChangePasswordRequest = z.infer<typeof ZChangePasswordRequest>;

export const ZResetPasswordRequest = z.object({ token: z.string().min(10).max(200), password: ZPassword });
export type TResetPasswordRequest = z.infer<typeof ZResetPasswordRequest>;
