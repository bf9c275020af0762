"""The API Gateway authorizer: built once per container, at module scope."""

from policy_engine.authorizer import make_authorizer

# API keys: $SAAS_API_KEY_<TIER>_SECRET_ARN (Secrets Manager), read once and cached
handler = make_authorizer()
