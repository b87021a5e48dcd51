"""One-time links for invitations.

Like Django's password-reset tokens, an invitation token is bound to the user's password hash
and last login, so it stops working the moment the invitee sets a password; it also expires
after PASSWORD_RESET_TIMEOUT. A separate salt keeps invitation and reset links apart.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()
