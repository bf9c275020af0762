# Generated from schemas/iam-policy.schema.json by fastjsonschema 2.22.3
# (policy_engine._fastschema.generate_source): do not edit; rebuild with
# `python scripts/build_generated.py`.
# ruff: noqa
# mypy: ignore-errors
VERSION = "2.22.3"
from decimal import Decimal
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    '^(ForAllValues:|ForAnyValue:)?(String|Arn)[A-Za-z]*$': re.compile('^(ForAllValues:|ForAnyValue:)?(String|Arn)[A-Za-z]*$'),
    '^(ForAllValues:|ForAnyValue:)?Numeric[A-Za-z]*$': re.compile('^(ForAllValues:|ForAnyValue:)?Numeric[A-Za-z]*$'),
    '^(ForAllValues:|ForAnyValue:)?Date[A-Za-z]*$': re.compile('^(ForAllValues:|ForAnyValue:)?Date[A-Za-z]*$'),
    '^(ForAllValues:|ForAnyValue:)?Bool(IfExists)?$|^Null$': re.compile('^(ForAllValues:|ForAnyValue:)?Bool(IfExists)?$|^Null$'),
    '^(ForAllValues:|ForAnyValue:)?(Not)?IpAddress(IfExists)?$': re.compile('^(ForAllValues:|ForAnyValue:)?(Not)?IpAddress(IfExists)?$'),
    '^(ForAllValues:|ForAnyValue:)?BinaryEquals(IfExists)?$': re.compile('^(ForAllValues:|ForAnyValue:)?BinaryEquals(IfExists)?$'),
    '^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$': re.compile('^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)\\Z'),
    '^[A-Za-z0-9+/]*={0,2}$': re.compile('^[A-Za-z0-9+/]*={0,2}\\Z'),
    '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$': re.compile('^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?\\Z'),
    '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$': re.compile('^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\\Z'),
    '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$': re.compile('^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)\\Z'),
    '^-?[0-9]+(\\.[0-9]+)?$': re.compile('^-?[0-9]+(\\.[0-9]+)?\\Z'),
    '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$': re.compile('^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*\\Z'),
    '^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$': re.compile('^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)\\Z'),
    '^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$': re.compile('^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)\\Z'),
    '^[A-Za-z0-9]*$': re.compile('^[A-Za-z0-9]*\\Z')
}

NoneType = type(None)

def validate_urn_policy_engine_schema_iam_policy(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            validate____defs_anypolicy(data, custom_formats, (name_prefix or "data") + "")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            validate____defs_identitypolicy(data, custom_formats, (name_prefix or "data") + "")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            validate____defs_resourcepolicy(data, custom_formats, (name_prefix or "data") + "")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            validate____defs_trustpolicy(data, custom_formats, (name_prefix or "data") + "")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-07/schema#', '$id': 'urn:policy-engine:schema:iam-policy', 'title': 'AWS IAM policy document', 'description': 'The IAM JSON policy grammar. Entry points per policy kind live under $defs: identityPolicy (also used for session policies and permissions boundaries), resourcePolicy, trustPolicy; the root accepts any kind.', '$defs': {'version': {'enum': ['2012-10-17', '2008-10-17'], 'x-message': '`Version` must be `2012-10-17` (or the legacy `2008-10-17`)'}, 'id': {'type': 'string', 'minLength': 1}, 'sid': {'type': 'string', 'pattern': '^[A-Za-z0-9]*$', 'x-message': '`Sid` may hold only ASCII letters and digits'}, 'effect': {'enum': ['Allow', 'Deny'], 'x-message': '`Effect` must be `Allow` or `Deny`'}, 'stringOrList': {'oneOf': [{'type': 'string', 'minLength': 1}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'minLength': 1}}], 'x-message': 'must be a non-empty string or a non-empty array of non-empty strings'}, 'action': {'type': 'string', 'pattern': '^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$', 'x-message': 'an action is `*` or `service:Name` (letters and digits, `*` and `?` wildcards)'}, 'actions': {'oneOf': [{'type': 'string', 'pattern': '^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$', 'x-message': 'an action is `*` or `service:Name` (letters and digits, `*` and `?` wildcards)'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$', 'x-message': 'an action is `*` or `service:Name` (letters and digits, `*` and `?` wildcards)'}}], 'x-message': 'must be an action or a non-empty array of actions'}, 'resource': {'type': 'string', 'pattern': '^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$', 'x-message': 'a resource is `*` or an ARN `arn:partition:service:region:account:resource`'}, 'resources': {'oneOf': [{'type': 'string', 'pattern': '^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$', 'x-message': 'a resource is `*` or an ARN `arn:partition:service:region:account:resource`'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$', 'x-message': 'a resource is `*` or an ARN `arn:partition:service:region:account:resource`'}}], 'x-message': 'must be a resource or a non-empty array of resources'}, 'principal': {'oneOf': [{'const': '*'}, {'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'oneOf': [{'type': 'string', 'minLength': 1}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'minLength': 1}}], 'x-message': 'must be a non-empty string or a non-empty array of non-empty strings'}}], 'x-message': 'a principal is `*` or an object whose keys are `AWS`, `Service`, `Federated` or `CanonicalUser`'}, 'conditionKey': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'scalar': {'type': ['string', 'number', 'boolean']}, 'values': {'oneOf': [{'type': ['string', 'number', 'boolean']}, {'type': 'array', 'minItems': 1, 'items': {'type': ['string', 'number', 'boolean']}}], 'x-message': 'condition values are a string, number or boolean, or a non-empty array of them'}, 'numericValue': {'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}, 'dateValue': {'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}, 'boolValue': {'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}, 'ipValue': {'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}, 'binaryValue': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}, 'condition': {'type': 'object', 'minProperties': 1, 'propertyNames': {'pattern': '^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$', 'x-message': 'unknown condition operator; operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn* (each optionally with an `IfExists` suffix and a `ForAllValues:`/`ForAnyValue:` prefix) and `Null`'}, 'patternProperties': {'^(ForAllValues:|ForAnyValue:)?(String|Arn)[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/scalar'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/scalar'}}], 'x-message': 'condition values are a string, number or boolean, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Numeric[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}}, '^(ForAllValues:|ForAnyValue:)?Date[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Bool(IfExists)?$|^Null$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, '^(ForAllValues:|ForAnyValue:)?(Not)?IpAddress(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?BinaryEquals(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}}}}, 'statement': {'type': 'object', 'properties': {'Sid': {'type': 'string', 'pattern': '^[A-Za-z0-9]*$', 'x-message': '`Sid` may hold only ASCII letters and digits'}, 'Effect': {'enum': ['Allow', 'Deny'], 'x-message': '`Effect` must be `Allow` or `Deny`'}, 'Principal': {'oneOf': [{'const': '*'}, {'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'$ref': '#/$defs/stringOrList'}}], 'x-message': 'a principal is `*` or an object whose keys are `AWS`, `Service`, `Federated` or `CanonicalUser`'}, 'NotPrincipal': {'oneOf': [{'const': '*'}, {'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'$ref': '#/$defs/stringOrList'}}], 'x-message': 'a principal is `*` or an object whose keys are `AWS`, `Service`, `Federated` or `CanonicalUser`'}, 'Action': {'oneOf': [{'$ref': '#/$defs/action'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/action'}}], 'x-message': 'must be an action or a non-empty array of actions'}, 'NotAction': {'oneOf': [{'$ref': '#/$defs/action'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/action'}}], 'x-message': 'must be an action or a non-empty array of actions'}, 'Resource': {'oneOf': [{'$ref': '#/$defs/resource'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/resource'}}], 'x-message': 'must be a resource or a non-empty array of resources'}, 'NotResource': {'oneOf': [{'$ref': '#/$defs/resource'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/resource'}}], 'x-message': 'must be a resource or a non-empty array of resources'}, 'Condition': {'type': 'object', 'minProperties': 1, 'propertyNames': {'pattern': '^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$', 'x-message': 'unknown condition operator; operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn* (each optionally with an `IfExists` suffix and a `ForAllValues:`/`ForAnyValue:` prefix) and `Null`'}, 'patternProperties': {'^(ForAllValues:|ForAnyValue:)?(String|Arn)[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'$ref': '#/$defs/values'}}, '^(ForAllValues:|ForAnyValue:)?Numeric[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/numericValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/numericValue'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}}, '^(ForAllValues:|ForAnyValue:)?Date[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/dateValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/dateValue'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Bool(IfExists)?$|^Null$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/boolValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/boolValue'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, '^(ForAllValues:|ForAnyValue:)?(Not)?IpAddress(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/ipValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/ipValue'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?BinaryEquals(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/binaryValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/binaryValue'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}}}}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}, 'identityStatement': {'allOf': [{'type': 'object', 'properties': {'Sid': {'$ref': '#/$defs/sid'}, 'Effect': {'$ref': '#/$defs/effect'}, 'Principal': {'$ref': '#/$defs/principal'}, 'NotPrincipal': {'$ref': '#/$defs/principal'}, 'Action': {'$ref': '#/$defs/actions'}, 'NotAction': {'$ref': '#/$defs/actions'}, 'Resource': {'$ref': '#/$defs/resources'}, 'NotResource': {'$ref': '#/$defs/resources'}, 'Condition': {'$ref': '#/$defs/condition'}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}, {'not': {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}]}, 'x-message': 'identity, session and boundary policies may not hold `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}, 'resourceStatement': {'allOf': [{'type': 'object', 'properties': {'Sid': {'$ref': '#/$defs/sid'}, 'Effect': {'$ref': '#/$defs/effect'}, 'Principal': {'$ref': '#/$defs/principal'}, 'NotPrincipal': {'$ref': '#/$defs/principal'}, 'Action': {'$ref': '#/$defs/actions'}, 'NotAction': {'$ref': '#/$defs/actions'}, 'Resource': {'$ref': '#/$defs/resources'}, 'NotResource': {'$ref': '#/$defs/resources'}, 'Condition': {'$ref': '#/$defs/condition'}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}, {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}], 'x-message': 'a resource-based policy statement needs `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}, 'trustStatement': {'allOf': [{'type': 'object', 'properties': {'Sid': {'$ref': '#/$defs/sid'}, 'Effect': {'$ref': '#/$defs/effect'}, 'Principal': {'$ref': '#/$defs/principal'}, 'NotPrincipal': {'$ref': '#/$defs/principal'}, 'Action': {'$ref': '#/$defs/actions'}, 'NotAction': {'$ref': '#/$defs/actions'}, 'Resource': {'$ref': '#/$defs/resources'}, 'NotResource': {'$ref': '#/$defs/resources'}, 'Condition': {'$ref': '#/$defs/condition'}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}, {'required': ['Principal'], 'x-message': 'a trust policy statement needs `Principal`'}, {'not': {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}]}, 'x-message': 'a trust policy may not hold `Resource` or `NotResource`'}]}, 'policyShell': {'type': 'object', 'properties': {'Version': {'enum': ['2012-10-17', '2008-10-17'], 'x-message': '`Version` must be `2012-10-17` (or the legacy `2008-10-17`)'}, 'Id': {'type': 'string', 'minLength': 1}}, 'required': ['Statement'], 'propertyNames': {'enum': ['Version', 'Id', 'Statement'], 'x-message': 'a policy holds only `Version`, `Id` and `Statement`'}, 'x-message': {'required': 'a policy needs `Statement`', 'type': 'a policy must be a JSON object'}}, 'anyPolicy': {'allOf': [{'type': 'object', 'properties': {'Version': {'$ref': '#/$defs/version'}, 'Id': {'$ref': '#/$defs/id'}}, 'required': ['Statement'], 'propertyNames': {'enum': ['Version', 'Id', 'Statement'], 'x-message': 'a policy holds only `Version`, `Id` and `Statement`'}, 'x-message': {'required': 'a policy needs `Statement`', 'type': 'a policy must be a JSON object'}}], 'properties': {'Statement': {'oneOf': [{'type': 'object', 'properties': {'Sid': {'$ref': '#/$defs/sid'}, 'Effect': {'$ref': '#/$defs/effect'}, 'Principal': {'$ref': '#/$defs/principal'}, 'NotPrincipal': {'$ref': '#/$defs/principal'}, 'Action': {'$ref': '#/$defs/actions'}, 'NotAction': {'$ref': '#/$defs/actions'}, 'Resource': {'$ref': '#/$defs/resources'}, 'NotResource': {'$ref': '#/$defs/resources'}, 'Condition': {'$ref': '#/$defs/condition'}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}, {'type': 'array', 'minItems': 1, 'items': {'type': 'object', 'properties': {'Sid': {'$ref': '#/$defs/sid'}, 'Effect': {'$ref': '#/$defs/effect'}, 'Principal': {'$ref': '#/$defs/principal'}, 'NotPrincipal': {'$ref': '#/$defs/principal'}, 'Action': {'$ref': '#/$defs/actions'}, 'NotAction': {'$ref': '#/$defs/actions'}, 'Resource': {'$ref': '#/$defs/resources'}, 'NotResource': {'$ref': '#/$defs/resources'}, 'Condition': {'$ref': '#/$defs/condition'}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}}}, 'identityPolicy': {'allOf': [{'type': 'object', 'properties': {'Version': {'$ref': '#/$defs/version'}, 'Id': {'$ref': '#/$defs/id'}}, 'required': ['Statement'], 'propertyNames': {'enum': ['Version', 'Id', 'Statement'], 'x-message': 'a policy holds only `Version`, `Id` and `Statement`'}, 'x-message': {'required': 'a policy needs `Statement`', 'type': 'a policy must be a JSON object'}}], 'properties': {'Statement': {'oneOf': [{'allOf': [{'$ref': '#/$defs/statement'}, {'not': {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}]}, 'x-message': 'identity, session and boundary policies may not hold `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}, {'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'not': {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}]}, 'x-message': 'identity, session and boundary policies may not hold `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}}}, 'resourcePolicy': {'allOf': [{'type': 'object', 'properties': {'Version': {'$ref': '#/$defs/version'}, 'Id': {'$ref': '#/$defs/id'}}, 'required': ['Statement'], 'propertyNames': {'enum': ['Version', 'Id', 'Statement'], 'x-message': 'a policy holds only `Version`, `Id` and `Statement`'}, 'x-message': {'required': 'a policy needs `Statement`', 'type': 'a policy must be a JSON object'}}], 'properties': {'Statement': {'oneOf': [{'allOf': [{'$ref': '#/$defs/statement'}, {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}], 'x-message': 'a resource-based policy statement needs `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}, {'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}], 'x-message': 'a resource-based policy statement needs `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}}}, 'trustPolicy': {'allOf': [{'type': 'object', 'properties': {'Version': {'$ref': '#/$defs/version'}, 'Id': {'$ref': '#/$defs/id'}}, 'required': ['Statement'], 'propertyNames': {'enum': ['Version', 'Id', 'Statement'], 'x-message': 'a policy holds only `Version`, `Id` and `Statement`'}, 'x-message': {'required': 'a policy needs `Statement`', 'type': 'a policy must be a JSON object'}}], 'properties': {'Statement': {'oneOf': [{'allOf': [{'$ref': '#/$defs/statement'}, {'required': ['Principal'], 'x-message': 'a trust policy statement needs `Principal`'}, {'not': {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}]}, 'x-message': 'a trust policy may not hold `Resource` or `NotResource`'}]}, {'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'required': ['Principal'], 'x-message': 'a trust policy statement needs `Principal`'}, {'not': {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}]}, 'x-message': 'a trust policy may not hold `Resource` or `NotResource`'}]}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}}}}, 'anyOf': [{'allOf': [{'$ref': '#/$defs/policyShell'}], 'properties': {'Statement': {'oneOf': [{'$ref': '#/$defs/statement'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/statement'}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}}}, {'allOf': [{'$ref': '#/$defs/policyShell'}], 'properties': {'Statement': {'oneOf': [{'$ref': '#/$defs/identityStatement'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/identityStatement'}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}}}, {'allOf': [{'$ref': '#/$defs/policyShell'}], 'properties': {'Statement': {'oneOf': [{'$ref': '#/$defs/resourceStatement'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/resourceStatement'}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}}}, {'allOf': [{'$ref': '#/$defs/policyShell'}], 'properties': {'Statement': {'oneOf': [{'$ref': '#/$defs/trustStatement'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/trustStatement'}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}}}]}, rule='anyOf')
    return data

def validate____defs_trustpolicy(data, custom_formats={}, name_prefix=None):
    validate____defs_policyshell(data, custom_formats, (name_prefix or "data") + "")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "Statement" in data_keys:
            data_keys.remove("Statement")
            data__Statement = data["Statement"]
            data__Statement_one_of_count2 = 0
            if data__Statement_one_of_count2 < 2:
                try:
                    validate____defs_truststatement(data__Statement, custom_formats, (name_prefix or "data") + ".Statement")
                    data__Statement_one_of_count2 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__Statement_one_of_count2 < 2:
                try:
                    if not isinstance(data__Statement, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must be array", value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'required': ['Principal'], 'x-message': 'a trust policy statement needs `Principal`'}, {'not': {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}]}, 'x-message': 'a trust policy may not hold `Resource` or `NotResource`'}]}}, rule='type')
                    data__Statement_is_list = isinstance(data__Statement, (list, tuple))
                    if data__Statement_is_list:
                        data__Statement_len = len(data__Statement)
                        if data__Statement_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must contain at least 1 items", value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'required': ['Principal'], 'x-message': 'a trust policy statement needs `Principal`'}, {'not': {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}]}, 'x-message': 'a trust policy may not hold `Resource` or `NotResource`'}]}}, rule='minItems')
                        for data__Statement_x, data__Statement_item in enumerate(data__Statement):
                            validate____defs_truststatement(data__Statement_item, custom_formats, (name_prefix or "data") + ".Statement[{data__Statement_x}]".format(**locals()))
                    data__Statement_one_of_count2 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__Statement_one_of_count2 != 1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must be valid exactly by one definition" + (" (" + str(data__Statement_one_of_count2) + " matches found)"), value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'oneOf': [{'allOf': [{'$ref': '#/$defs/statement'}, {'required': ['Principal'], 'x-message': 'a trust policy statement needs `Principal`'}, {'not': {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}]}, 'x-message': 'a trust policy may not hold `Resource` or `NotResource`'}]}, {'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'required': ['Principal'], 'x-message': 'a trust policy statement needs `Principal`'}, {'not': {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}]}, 'x-message': 'a trust policy may not hold `Resource` or `NotResource`'}]}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}, rule='oneOf')
    return data

def validate____defs_truststatement(data, custom_formats={}, name_prefix=None):
    validate____defs_statement(data, custom_formats, (name_prefix or "data") + "")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['Principal']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['Principal'], 'x-message': 'a trust policy statement needs `Principal`'}, rule='required')
    try:
        data_any_of_count3 = 0
        if not data_any_of_count3:
            try:
                data_is_dict = isinstance(data, dict)
                if data_is_dict:
                    data__missing_keys = set(['Resource']) - data.keys()
                    if data__missing_keys:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['Resource']}, rule='required')
                data_any_of_count3 += 1
            except (JsonSchemaValueException, JsonSchemaValuesException): pass
        if not data_any_of_count3:
            try:
                data_is_dict = isinstance(data, dict)
                if data_is_dict:
                    data__missing_keys = set(['NotResource']) - data.keys()
                    if data__missing_keys:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['NotResource']}, rule='required')
                data_any_of_count3 += 1
            except (JsonSchemaValueException, JsonSchemaValuesException): pass
        if not data_any_of_count3:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition", value=data, name="" + (name_prefix or "data") + "", definition={'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}]}, rule='anyOf')
    except (JsonSchemaValueException, JsonSchemaValuesException): pass
    else:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must NOT match a disallowed definition", value=data, name="" + (name_prefix or "data") + "", definition={'not': {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}]}, 'x-message': 'a trust policy may not hold `Resource` or `NotResource`'}, rule='not')
    return data

def validate____defs_statement(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'properties': {'Sid': {'type': 'string', 'pattern': '^[A-Za-z0-9]*$', 'x-message': '`Sid` may hold only ASCII letters and digits'}, 'Effect': {'enum': ['Allow', 'Deny'], 'x-message': '`Effect` must be `Allow` or `Deny`'}, 'Principal': {'oneOf': [{'const': '*'}, {'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'$ref': '#/$defs/stringOrList'}}], 'x-message': 'a principal is `*` or an object whose keys are `AWS`, `Service`, `Federated` or `CanonicalUser`'}, 'NotPrincipal': {'oneOf': [{'const': '*'}, {'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'$ref': '#/$defs/stringOrList'}}], 'x-message': 'a principal is `*` or an object whose keys are `AWS`, `Service`, `Federated` or `CanonicalUser`'}, 'Action': {'oneOf': [{'$ref': '#/$defs/action'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/action'}}], 'x-message': 'must be an action or a non-empty array of actions'}, 'NotAction': {'oneOf': [{'$ref': '#/$defs/action'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/action'}}], 'x-message': 'must be an action or a non-empty array of actions'}, 'Resource': {'oneOf': [{'$ref': '#/$defs/resource'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/resource'}}], 'x-message': 'must be a resource or a non-empty array of resources'}, 'NotResource': {'oneOf': [{'$ref': '#/$defs/resource'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/resource'}}], 'x-message': 'must be a resource or a non-empty array of resources'}, 'Condition': {'type': 'object', 'minProperties': 1, 'propertyNames': {'pattern': '^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$', 'x-message': 'unknown condition operator; operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn* (each optionally with an `IfExists` suffix and a `ForAllValues:`/`ForAnyValue:` prefix) and `Null`'}, 'patternProperties': {'^(ForAllValues:|ForAnyValue:)?(String|Arn)[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'$ref': '#/$defs/values'}}, '^(ForAllValues:|ForAnyValue:)?Numeric[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/numericValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/numericValue'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}}, '^(ForAllValues:|ForAnyValue:)?Date[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/dateValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/dateValue'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Bool(IfExists)?$|^Null$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/boolValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/boolValue'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, '^(ForAllValues:|ForAnyValue:)?(Not)?IpAddress(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/ipValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/ipValue'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?BinaryEquals(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/binaryValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/binaryValue'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}}}}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}, rule='type')
    data_one_of_count4 = 0
    if data_one_of_count4 < 2:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['Action']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['Action']}, rule='required')
            data_one_of_count4 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count4 < 2:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['NotAction']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['NotAction']}, rule='required')
            data_one_of_count4 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count4 != 1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be valid exactly by one definition" + (" (" + str(data_one_of_count4) + " matches found)"), value=data, name="" + (name_prefix or "data") + "", definition={'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, rule='oneOf')
    try:
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['Resource', 'NotResource']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['Resource', 'NotResource']}, rule='required')
    except (JsonSchemaValueException, JsonSchemaValuesException): pass
    else:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must NOT match a disallowed definition", value=data, name="" + (name_prefix or "data") + "", definition={'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, rule='not')
    try:
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['Principal', 'NotPrincipal']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['Principal', 'NotPrincipal']}, rule='required')
    except (JsonSchemaValueException, JsonSchemaValuesException): pass
    else:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must NOT match a disallowed definition", value=data, name="" + (name_prefix or "data") + "", definition={'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, rule='not')
    try:
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data__missing_keys = set(['NotPrincipal']) - data.keys()
            if data__missing_keys:
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['NotPrincipal']}, rule='required')
    except (JsonSchemaValueException, JsonSchemaValuesException):
        pass
    else:
        data_is_dict = isinstance(data, dict)
        if data_is_dict:
            data_keys = set(data.keys())
            if "Effect" in data_keys:
                data_keys.remove("Effect")
                data__Effect = data["Effect"]
                if not (isinstance(data__Effect, str) and data__Effect == 'Deny'):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".Effect must be same as const definition: Deny", value=data__Effect, name="" + (name_prefix or "data") + ".Effect", definition={'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}, rule='const')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['Effect']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'properties': {'Sid': {'type': 'string', 'pattern': '^[A-Za-z0-9]*$', 'x-message': '`Sid` may hold only ASCII letters and digits'}, 'Effect': {'enum': ['Allow', 'Deny'], 'x-message': '`Effect` must be `Allow` or `Deny`'}, 'Principal': {'oneOf': [{'const': '*'}, {'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'$ref': '#/$defs/stringOrList'}}], 'x-message': 'a principal is `*` or an object whose keys are `AWS`, `Service`, `Federated` or `CanonicalUser`'}, 'NotPrincipal': {'oneOf': [{'const': '*'}, {'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'$ref': '#/$defs/stringOrList'}}], 'x-message': 'a principal is `*` or an object whose keys are `AWS`, `Service`, `Federated` or `CanonicalUser`'}, 'Action': {'oneOf': [{'$ref': '#/$defs/action'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/action'}}], 'x-message': 'must be an action or a non-empty array of actions'}, 'NotAction': {'oneOf': [{'$ref': '#/$defs/action'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/action'}}], 'x-message': 'must be an action or a non-empty array of actions'}, 'Resource': {'oneOf': [{'$ref': '#/$defs/resource'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/resource'}}], 'x-message': 'must be a resource or a non-empty array of resources'}, 'NotResource': {'oneOf': [{'$ref': '#/$defs/resource'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/resource'}}], 'x-message': 'must be a resource or a non-empty array of resources'}, 'Condition': {'type': 'object', 'minProperties': 1, 'propertyNames': {'pattern': '^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$', 'x-message': 'unknown condition operator; operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn* (each optionally with an `IfExists` suffix and a `ForAllValues:`/`ForAnyValue:` prefix) and `Null`'}, 'patternProperties': {'^(ForAllValues:|ForAnyValue:)?(String|Arn)[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'$ref': '#/$defs/values'}}, '^(ForAllValues:|ForAnyValue:)?Numeric[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/numericValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/numericValue'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}}, '^(ForAllValues:|ForAnyValue:)?Date[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/dateValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/dateValue'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Bool(IfExists)?$|^Null$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/boolValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/boolValue'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, '^(ForAllValues:|ForAnyValue:)?(Not)?IpAddress(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/ipValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/ipValue'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?BinaryEquals(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/binaryValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/binaryValue'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}}}}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}, rule='required')
        data_keys = set(data.keys())
        if "Sid" in data_keys:
            data_keys.remove("Sid")
            data__Sid = data["Sid"]
            validate____defs_sid(data__Sid, custom_formats, (name_prefix or "data") + ".Sid")
        if "Effect" in data_keys:
            data_keys.remove("Effect")
            data__Effect = data["Effect"]
            validate____defs_effect(data__Effect, custom_formats, (name_prefix or "data") + ".Effect")
        if "Principal" in data_keys:
            data_keys.remove("Principal")
            data__Principal = data["Principal"]
            validate____defs_principal(data__Principal, custom_formats, (name_prefix or "data") + ".Principal")
        if "NotPrincipal" in data_keys:
            data_keys.remove("NotPrincipal")
            data__NotPrincipal = data["NotPrincipal"]
            validate____defs_principal(data__NotPrincipal, custom_formats, (name_prefix or "data") + ".NotPrincipal")
        if "Action" in data_keys:
            data_keys.remove("Action")
            data__Action = data["Action"]
            validate____defs_actions(data__Action, custom_formats, (name_prefix or "data") + ".Action")
        if "NotAction" in data_keys:
            data_keys.remove("NotAction")
            data__NotAction = data["NotAction"]
            validate____defs_actions(data__NotAction, custom_formats, (name_prefix or "data") + ".NotAction")
        if "Resource" in data_keys:
            data_keys.remove("Resource")
            data__Resource = data["Resource"]
            validate____defs_resources(data__Resource, custom_formats, (name_prefix or "data") + ".Resource")
        if "NotResource" in data_keys:
            data_keys.remove("NotResource")
            data__NotResource = data["NotResource"]
            validate____defs_resources(data__NotResource, custom_formats, (name_prefix or "data") + ".NotResource")
        if "Condition" in data_keys:
            data_keys.remove("Condition")
            data__Condition = data["Condition"]
            validate____defs_condition(data__Condition, custom_formats, (name_prefix or "data") + ".Condition")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'properties': {'Sid': {'type': 'string', 'pattern': '^[A-Za-z0-9]*$', 'x-message': '`Sid` may hold only ASCII letters and digits'}, 'Effect': {'enum': ['Allow', 'Deny'], 'x-message': '`Effect` must be `Allow` or `Deny`'}, 'Principal': {'oneOf': [{'const': '*'}, {'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'$ref': '#/$defs/stringOrList'}}], 'x-message': 'a principal is `*` or an object whose keys are `AWS`, `Service`, `Federated` or `CanonicalUser`'}, 'NotPrincipal': {'oneOf': [{'const': '*'}, {'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'$ref': '#/$defs/stringOrList'}}], 'x-message': 'a principal is `*` or an object whose keys are `AWS`, `Service`, `Federated` or `CanonicalUser`'}, 'Action': {'oneOf': [{'$ref': '#/$defs/action'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/action'}}], 'x-message': 'must be an action or a non-empty array of actions'}, 'NotAction': {'oneOf': [{'$ref': '#/$defs/action'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/action'}}], 'x-message': 'must be an action or a non-empty array of actions'}, 'Resource': {'oneOf': [{'$ref': '#/$defs/resource'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/resource'}}], 'x-message': 'must be a resource or a non-empty array of resources'}, 'NotResource': {'oneOf': [{'$ref': '#/$defs/resource'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/resource'}}], 'x-message': 'must be a resource or a non-empty array of resources'}, 'Condition': {'type': 'object', 'minProperties': 1, 'propertyNames': {'pattern': '^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$', 'x-message': 'unknown condition operator; operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn* (each optionally with an `IfExists` suffix and a `ForAllValues:`/`ForAnyValue:` prefix) and `Null`'}, 'patternProperties': {'^(ForAllValues:|ForAnyValue:)?(String|Arn)[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'$ref': '#/$defs/values'}}, '^(ForAllValues:|ForAnyValue:)?Numeric[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/numericValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/numericValue'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}}, '^(ForAllValues:|ForAnyValue:)?Date[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/dateValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/dateValue'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Bool(IfExists)?$|^Null$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/boolValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/boolValue'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, '^(ForAllValues:|ForAnyValue:)?(Not)?IpAddress(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/ipValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/ipValue'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?BinaryEquals(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'$ref': '#/$defs/conditionKey'}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/binaryValue'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/binaryValue'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}}}}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}, rule='additionalProperties')
    return data

def validate____defs_condition(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'pattern': '^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$', 'x-message': 'unknown condition operator; operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn* (each optionally with an `IfExists` suffix and a `ForAllValues:`/`ForAnyValue:` prefix) and `Null`'}, 'patternProperties': {'^(ForAllValues:|ForAnyValue:)?(String|Arn)[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/scalar'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/scalar'}}], 'x-message': 'condition values are a string, number or boolean, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Numeric[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}}, '^(ForAllValues:|ForAnyValue:)?Date[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Bool(IfExists)?$|^Null$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, '^(ForAllValues:|ForAnyValue:)?(Not)?IpAddress(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?BinaryEquals(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}}}}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_len = len(data)
        if data_len < 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain at least 1 properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'pattern': '^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$', 'x-message': 'unknown condition operator; operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn* (each optionally with an `IfExists` suffix and a `ForAllValues:`/`ForAnyValue:` prefix) and `Null`'}, 'patternProperties': {'^(ForAllValues:|ForAnyValue:)?(String|Arn)[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/scalar'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/scalar'}}], 'x-message': 'condition values are a string, number or boolean, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Numeric[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}}, '^(ForAllValues:|ForAnyValue:)?Date[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Bool(IfExists)?$|^Null$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, '^(ForAllValues:|ForAnyValue:)?(Not)?IpAddress(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?BinaryEquals(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}}}}, rule='minProperties')
        data_keys = set(data.keys())
        for data_key, data_val in data.items():
            if REGEX_PATTERNS['^(ForAllValues:|ForAnyValue:)?(String|Arn)[A-Za-z]*$'].search(data_key):
                if data_key in data_keys:
                    data_keys.remove(data_key)
                if not isinstance(data_val, (dict)):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be object", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/scalar'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/scalar'}}], 'x-message': 'condition values are a string, number or boolean, or a non-empty array of them'}}, rule='type')
                data_val_is_dict = isinstance(data_val, dict)
                if data_val_is_dict:
                    data_val_len = len(data_val)
                    if data_val_len < 1:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must contain at least 1 properties", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/scalar'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/scalar'}}], 'x-message': 'condition values are a string, number or boolean, or a non-empty array of them'}}, rule='minProperties')
                    data_val_keys = set(data_val.keys())
                    for data_val_key in data_val_keys:
                        if data_val_key not in []:
                            data_val_value = data_val.get(data_val_key)
                            validate____defs_values(data_val_value, custom_formats, (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()))
                    if data_val_len != 0:
                        data_val_property_names = True
                        for data_val_key in data_val:
                            try:
                                validate____defs_conditionkey(data_val_key, custom_formats, (name_prefix or "data") + ".{data_key}".format(**locals()))
                            except (JsonSchemaValueException, JsonSchemaValuesException):
                                data_val_property_names = False
                        if not data_val_property_names:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be named by propertyName definition", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/scalar'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/scalar'}}], 'x-message': 'condition values are a string, number or boolean, or a non-empty array of them'}}, rule='propertyNames')
            if REGEX_PATTERNS['^(ForAllValues:|ForAnyValue:)?Numeric[A-Za-z]*$'].search(data_key):
                if data_key in data_keys:
                    data_keys.remove(data_key)
                if not isinstance(data_val, (dict)):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be object", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}}, rule='type')
                data_val_is_dict = isinstance(data_val, dict)
                if data_val_is_dict:
                    data_val_len = len(data_val)
                    if data_val_len < 1:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must contain at least 1 properties", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}}, rule='minProperties')
                    data_val_keys = set(data_val.keys())
                    for data_val_key in data_val_keys:
                        if data_val_key not in []:
                            data_val_value = data_val.get(data_val_key)
                            data_val_value_one_of_count5 = 0
                            if data_val_value_one_of_count5 < 2:
                                try:
                                    validate____defs_numericvalue(data_val_value, custom_formats, (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()))
                                    data_val_value_one_of_count5 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data_val_value_one_of_count5 < 2:
                                try:
                                    if not isinstance(data_val_value, (list, tuple)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must be array", value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}}, rule='type')
                                    data_val_value_is_list = isinstance(data_val_value, (list, tuple))
                                    if data_val_value_is_list:
                                        data_val_value_len = len(data_val_value)
                                        if data_val_value_len < 1:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must contain at least 1 items", value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}}, rule='minItems')
                                        for data_val_value_x, data_val_value_item in enumerate(data_val_value):
                                            validate____defs_numericvalue(data_val_value_item, custom_formats, (name_prefix or "data") + ".{data_key}.{data_val_key}[{data_val_value_x}]".format(**locals()))
                                    data_val_value_one_of_count5 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data_val_value_one_of_count5 != 1:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must be valid exactly by one definition" + (" (" + str(data_val_value_one_of_count5) + " matches found)"), value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'oneOf': [{'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}, rule='oneOf')
                    if data_val_len != 0:
                        data_val_property_names = True
                        for data_val_key in data_val:
                            try:
                                validate____defs_conditionkey(data_val_key, custom_formats, (name_prefix or "data") + ".{data_key}".format(**locals()))
                            except (JsonSchemaValueException, JsonSchemaValuesException):
                                data_val_property_names = False
                        if not data_val_property_names:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be named by propertyName definition", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}}, rule='propertyNames')
            if REGEX_PATTERNS['^(ForAllValues:|ForAnyValue:)?Date[A-Za-z]*$'].search(data_key):
                if data_key in data_keys:
                    data_keys.remove(data_key)
                if not isinstance(data_val, (dict)):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be object", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}}, rule='type')
                data_val_is_dict = isinstance(data_val, dict)
                if data_val_is_dict:
                    data_val_len = len(data_val)
                    if data_val_len < 1:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must contain at least 1 properties", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}}, rule='minProperties')
                    data_val_keys = set(data_val.keys())
                    for data_val_key in data_val_keys:
                        if data_val_key not in []:
                            data_val_value = data_val.get(data_val_key)
                            data_val_value_one_of_count6 = 0
                            if data_val_value_one_of_count6 < 2:
                                try:
                                    validate____defs_datevalue(data_val_value, custom_formats, (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()))
                                    data_val_value_one_of_count6 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data_val_value_one_of_count6 < 2:
                                try:
                                    if not isinstance(data_val_value, (list, tuple)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must be array", value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}}, rule='type')
                                    data_val_value_is_list = isinstance(data_val_value, (list, tuple))
                                    if data_val_value_is_list:
                                        data_val_value_len = len(data_val_value)
                                        if data_val_value_len < 1:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must contain at least 1 items", value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}}, rule='minItems')
                                        for data_val_value_x, data_val_value_item in enumerate(data_val_value):
                                            validate____defs_datevalue(data_val_value_item, custom_formats, (name_prefix or "data") + ".{data_key}.{data_val_key}[{data_val_value_x}]".format(**locals()))
                                    data_val_value_one_of_count6 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data_val_value_one_of_count6 != 1:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must be valid exactly by one definition" + (" (" + str(data_val_value_one_of_count6) + " matches found)"), value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'oneOf': [{'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}, rule='oneOf')
                    if data_val_len != 0:
                        data_val_property_names = True
                        for data_val_key in data_val:
                            try:
                                validate____defs_conditionkey(data_val_key, custom_formats, (name_prefix or "data") + ".{data_key}".format(**locals()))
                            except (JsonSchemaValueException, JsonSchemaValuesException):
                                data_val_property_names = False
                        if not data_val_property_names:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be named by propertyName definition", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}}, rule='propertyNames')
            if REGEX_PATTERNS['^(ForAllValues:|ForAnyValue:)?Bool(IfExists)?$|^Null$'].search(data_key):
                if data_key in data_keys:
                    data_keys.remove(data_key)
                if not isinstance(data_val, (dict)):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be object", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, rule='type')
                data_val_is_dict = isinstance(data_val, dict)
                if data_val_is_dict:
                    data_val_len = len(data_val)
                    if data_val_len < 1:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must contain at least 1 properties", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, rule='minProperties')
                    data_val_keys = set(data_val.keys())
                    for data_val_key in data_val_keys:
                        if data_val_key not in []:
                            data_val_value = data_val.get(data_val_key)
                            data_val_value_one_of_count7 = 0
                            if data_val_value_one_of_count7 < 2:
                                try:
                                    validate____defs_boolvalue(data_val_value, custom_formats, (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()))
                                    data_val_value_one_of_count7 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data_val_value_one_of_count7 < 2:
                                try:
                                    if not isinstance(data_val_value, (list, tuple)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must be array", value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, rule='type')
                                    data_val_value_is_list = isinstance(data_val_value, (list, tuple))
                                    if data_val_value_is_list:
                                        data_val_value_len = len(data_val_value)
                                        if data_val_value_len < 1:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must contain at least 1 items", value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, rule='minItems')
                                        for data_val_value_x, data_val_value_item in enumerate(data_val_value):
                                            validate____defs_boolvalue(data_val_value_item, custom_formats, (name_prefix or "data") + ".{data_key}.{data_val_key}[{data_val_value_x}]".format(**locals()))
                                    data_val_value_one_of_count7 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data_val_value_one_of_count7 != 1:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must be valid exactly by one definition" + (" (" + str(data_val_value_one_of_count7) + " matches found)"), value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'oneOf': [{'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}, rule='oneOf')
                    if data_val_len != 0:
                        data_val_property_names = True
                        for data_val_key in data_val:
                            try:
                                validate____defs_conditionkey(data_val_key, custom_formats, (name_prefix or "data") + ".{data_key}".format(**locals()))
                            except (JsonSchemaValueException, JsonSchemaValuesException):
                                data_val_property_names = False
                        if not data_val_property_names:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be named by propertyName definition", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, rule='propertyNames')
            if REGEX_PATTERNS['^(ForAllValues:|ForAnyValue:)?(Not)?IpAddress(IfExists)?$'].search(data_key):
                if data_key in data_keys:
                    data_keys.remove(data_key)
                if not isinstance(data_val, (dict)):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be object", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}}, rule='type')
                data_val_is_dict = isinstance(data_val, dict)
                if data_val_is_dict:
                    data_val_len = len(data_val)
                    if data_val_len < 1:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must contain at least 1 properties", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}}, rule='minProperties')
                    data_val_keys = set(data_val.keys())
                    for data_val_key in data_val_keys:
                        if data_val_key not in []:
                            data_val_value = data_val.get(data_val_key)
                            data_val_value_one_of_count8 = 0
                            if data_val_value_one_of_count8 < 2:
                                try:
                                    validate____defs_ipvalue(data_val_value, custom_formats, (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()))
                                    data_val_value_one_of_count8 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data_val_value_one_of_count8 < 2:
                                try:
                                    if not isinstance(data_val_value, (list, tuple)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must be array", value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}}, rule='type')
                                    data_val_value_is_list = isinstance(data_val_value, (list, tuple))
                                    if data_val_value_is_list:
                                        data_val_value_len = len(data_val_value)
                                        if data_val_value_len < 1:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must contain at least 1 items", value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}}, rule='minItems')
                                        for data_val_value_x, data_val_value_item in enumerate(data_val_value):
                                            validate____defs_ipvalue(data_val_value_item, custom_formats, (name_prefix or "data") + ".{data_key}.{data_val_key}[{data_val_value_x}]".format(**locals()))
                                    data_val_value_one_of_count8 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data_val_value_one_of_count8 != 1:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must be valid exactly by one definition" + (" (" + str(data_val_value_one_of_count8) + " matches found)"), value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'oneOf': [{'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}, rule='oneOf')
                    if data_val_len != 0:
                        data_val_property_names = True
                        for data_val_key in data_val:
                            try:
                                validate____defs_conditionkey(data_val_key, custom_formats, (name_prefix or "data") + ".{data_key}".format(**locals()))
                            except (JsonSchemaValueException, JsonSchemaValuesException):
                                data_val_property_names = False
                        if not data_val_property_names:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be named by propertyName definition", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}}, rule='propertyNames')
            if REGEX_PATTERNS['^(ForAllValues:|ForAnyValue:)?BinaryEquals(IfExists)?$'].search(data_key):
                if data_key in data_keys:
                    data_keys.remove(data_key)
                if not isinstance(data_val, (dict)):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be object", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}}, rule='type')
                data_val_is_dict = isinstance(data_val, dict)
                if data_val_is_dict:
                    data_val_len = len(data_val)
                    if data_val_len < 1:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must contain at least 1 properties", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}}, rule='minProperties')
                    data_val_keys = set(data_val.keys())
                    for data_val_key in data_val_keys:
                        if data_val_key not in []:
                            data_val_value = data_val.get(data_val_key)
                            data_val_value_one_of_count9 = 0
                            if data_val_value_one_of_count9 < 2:
                                try:
                                    validate____defs_binaryvalue(data_val_value, custom_formats, (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()))
                                    data_val_value_one_of_count9 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data_val_value_one_of_count9 < 2:
                                try:
                                    if not isinstance(data_val_value, (list, tuple)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must be array", value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}}, rule='type')
                                    data_val_value_is_list = isinstance(data_val_value, (list, tuple))
                                    if data_val_value_is_list:
                                        data_val_value_len = len(data_val_value)
                                        if data_val_value_len < 1:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must contain at least 1 items", value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}}, rule='minItems')
                                        for data_val_value_x, data_val_value_item in enumerate(data_val_value):
                                            validate____defs_binaryvalue(data_val_value_item, custom_formats, (name_prefix or "data") + ".{data_key}.{data_val_key}[{data_val_value_x}]".format(**locals()))
                                    data_val_value_one_of_count9 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if data_val_value_one_of_count9 != 1:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + " must be valid exactly by one definition" + (" (" + str(data_val_value_one_of_count9) + " matches found)"), value=data_val_value, name="" + (name_prefix or "data") + ".{data_key}.{data_val_key}".format(**locals()) + "", definition={'oneOf': [{'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}, rule='oneOf')
                    if data_val_len != 0:
                        data_val_property_names = True
                        for data_val_key in data_val:
                            try:
                                validate____defs_conditionkey(data_val_key, custom_formats, (name_prefix or "data") + ".{data_key}".format(**locals()))
                            except (JsonSchemaValueException, JsonSchemaValuesException):
                                data_val_property_names = False
                        if not data_val_property_names:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".{data_key}".format(**locals()) + " must be named by propertyName definition", value=data_val, name="" + (name_prefix or "data") + ".{data_key}".format(**locals()) + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}}, rule='propertyNames')
        if data_len != 0:
            data_property_names = True
            for data_key in data:
                try:
                    if isinstance(data_key, str):
                        if not REGEX_PATTERNS['^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$'].search(data_key):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$", value=data_key, name="" + (name_prefix or "data") + "", definition={'pattern': '^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$', 'x-message': 'unknown condition operator; operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn* (each optionally with an `IfExists` suffix and a `ForAllValues:`/`ForAnyValue:` prefix) and `Null`'}, rule='pattern')
                except (JsonSchemaValueException, JsonSchemaValuesException):
                    data_property_names = False
            if not data_property_names:
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be named by propertyName definition", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'pattern': '^((ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?|Null)$', 'x-message': 'unknown condition operator; operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn* (each optionally with an `IfExists` suffix and a `ForAllValues:`/`ForAnyValue:` prefix) and `Null`'}, 'patternProperties': {'^(ForAllValues:|ForAnyValue:)?(String|Arn)[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'$ref': '#/$defs/scalar'}, {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/scalar'}}], 'x-message': 'condition values are a string, number or boolean, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Numeric[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}}], 'x-message': 'numeric operators take a number or a non-empty array of numbers'}}, '^(ForAllValues:|ForAnyValue:)?Date[A-Za-z]*$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}}], 'x-message': 'date operators take an ISO 8601 date or epoch seconds, or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?Bool(IfExists)?$|^Null$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}, {'type': 'array', 'minItems': 1, 'items': {'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}], 'x-message': '`Bool` and `Null` take `true` or `false`'}}, '^(ForAllValues:|ForAnyValue:)?(Not)?IpAddress(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}}], 'x-message': 'IP operators take a CIDR block or a non-empty array of them'}}, '^(ForAllValues:|ForAnyValue:)?BinaryEquals(IfExists)?$': {'type': 'object', 'minProperties': 1, 'propertyNames': {'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, 'additionalProperties': {'oneOf': [{'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}}], 'x-message': '`BinaryEquals` takes base64 text or a non-empty array of it'}}}}, rule='propertyNames')
    return data

def validate____defs_binaryvalue(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}, rule='type')
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[A-Za-z0-9+/]*={0,2}$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^[A-Za-z0-9+/]*={0,2}$", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^[A-Za-z0-9+/]*={0,2}$', 'x-message': '`BinaryEquals` takes base64 text'}, rule='pattern')
    return data

def validate____defs_ipvalue(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}, rule='type')
    if isinstance(data, str):
        if not REGEX_PATTERNS['^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?$', 'x-message': 'IP operators take an IPv4 or IPv6 address or CIDR block'}, rule='pattern')
    return data

def validate____defs_boolvalue(data, custom_formats={}, name_prefix=None):
    data_one_of_count10 = 0
    if data_one_of_count10 < 2:
        try:
            if not isinstance(data, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'boolean'}, rule='type')
            data_one_of_count10 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count10 < 2:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}, rule='type')
            if isinstance(data, str):
                if not REGEX_PATTERNS['^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'].search(data):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}, rule='pattern')
            data_one_of_count10 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count10 != 1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be valid exactly by one definition" + (" (" + str(data_one_of_count10) + " matches found)"), value=data, name="" + (name_prefix or "data") + "", definition={'oneOf': [{'type': 'boolean'}, {'type': 'string', 'pattern': '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$'}], 'x-message': '`Bool` and `Null` take `true` or `false`'}, rule='oneOf')
    return data

def validate____defs_datevalue(data, custom_formats={}, name_prefix=None):
    data_one_of_count11 = 0
    if data_one_of_count11 < 2:
        try:
            if not isinstance(data, (int)) and not (isinstance(data, float) and data.is_integer()) or isinstance(data, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be integer", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'integer'}, rule='type')
            data_one_of_count11 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count11 < 2:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}, rule='type')
            if isinstance(data, str):
                if not REGEX_PATTERNS['^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'].search(data):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}, rule='pattern')
            data_one_of_count11 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count11 != 1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be valid exactly by one definition" + (" (" + str(data_one_of_count11) + " matches found)"), value=data, name="" + (name_prefix or "data") + "", definition={'oneOf': [{'type': 'integer'}, {'type': 'string', 'pattern': '^([0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)$'}], 'x-message': 'date operators take ISO 8601 dates or epoch seconds'}, rule='oneOf')
    return data

def validate____defs_numericvalue(data, custom_formats={}, name_prefix=None):
    data_one_of_count12 = 0
    if data_one_of_count12 < 2:
        try:
            if not isinstance(data, (int, float, Decimal)) or isinstance(data, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'number'}, rule='type')
            data_one_of_count12 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count12 < 2:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}, rule='type')
            if isinstance(data, str):
                if not REGEX_PATTERNS['^-?[0-9]+(\\.[0-9]+)?$'].search(data):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^-?[0-9]+(\\.[0-9]+)?$", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}, rule='pattern')
            data_one_of_count12 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count12 != 1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be valid exactly by one definition" + (" (" + str(data_one_of_count12) + " matches found)"), value=data, name="" + (name_prefix or "data") + "", definition={'oneOf': [{'type': 'number'}, {'type': 'string', 'pattern': '^-?[0-9]+(\\.[0-9]+)?$'}], 'x-message': 'numeric operators take numbers'}, rule='oneOf')
    return data

def validate____defs_conditionkey(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, rule='type')
    if isinstance(data, str):
        if not REGEX_PATTERNS['^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^([A-Za-z0-9-]+|[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(/[A-Za-z0-9._~%+=@-]*)*):[^\\s].*$', 'x-message': "a condition key is `prefix:name`, such as `aws:PrincipalTag/TenantId`, or a web identity provider's `host[/path]:claim`, such as `cognito-identity.amazonaws.com:aud`"}, rule='pattern')
    return data

def validate____defs_values(data, custom_formats={}, name_prefix=None):
    data_one_of_count13 = 0
    if data_one_of_count13 < 2:
        try:
            validate____defs_scalar(data, custom_formats, (name_prefix or "data") + "")
            data_one_of_count13 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count13 < 2:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': ['string', 'number', 'boolean']}}, rule='type')
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                if data_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain at least 1 items", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': ['string', 'number', 'boolean']}}, rule='minItems')
                for data_x, data_item in enumerate(data):
                    validate____defs_scalar(data_item, custom_formats, (name_prefix or "data") + "[{data_x}]".format(**locals()))
            data_one_of_count13 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count13 != 1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be valid exactly by one definition" + (" (" + str(data_one_of_count13) + " matches found)"), value=data, name="" + (name_prefix or "data") + "", definition={'oneOf': [{'type': ['string', 'number', 'boolean']}, {'type': 'array', 'minItems': 1, 'items': {'type': ['string', 'number', 'boolean']}}], 'x-message': 'condition values are a string, number or boolean, or a non-empty array of them'}, rule='oneOf')
    return data

def validate____defs_scalar(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str, int, float, Decimal, bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string or number or boolean", value=data, name="" + (name_prefix or "data") + "", definition={'type': ['string', 'number', 'boolean']}, rule='type')
    return data

def validate____defs_resources(data, custom_formats={}, name_prefix=None):
    data_one_of_count14 = 0
    if data_one_of_count14 < 2:
        try:
            validate____defs_resource(data, custom_formats, (name_prefix or "data") + "")
            data_one_of_count14 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count14 < 2:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$', 'x-message': 'a resource is `*` or an ARN `arn:partition:service:region:account:resource`'}}, rule='type')
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                if data_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain at least 1 items", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$', 'x-message': 'a resource is `*` or an ARN `arn:partition:service:region:account:resource`'}}, rule='minItems')
                for data_x, data_item in enumerate(data):
                    validate____defs_resource(data_item, custom_formats, (name_prefix or "data") + "[{data_x}]".format(**locals()))
            data_one_of_count14 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count14 != 1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be valid exactly by one definition" + (" (" + str(data_one_of_count14) + " matches found)"), value=data, name="" + (name_prefix or "data") + "", definition={'oneOf': [{'type': 'string', 'pattern': '^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$', 'x-message': 'a resource is `*` or an ARN `arn:partition:service:region:account:resource`'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$', 'x-message': 'a resource is `*` or an ARN `arn:partition:service:region:account:resource`'}}], 'x-message': 'must be a resource or a non-empty array of resources'}, rule='oneOf')
    return data

def validate____defs_resource(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$', 'x-message': 'a resource is `*` or an ARN `arn:partition:service:region:account:resource`'}, rule='type')
    if isinstance(data, str):
        if not REGEX_PATTERNS['^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^(\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$', 'x-message': 'a resource is `*` or an ARN `arn:partition:service:region:account:resource`'}, rule='pattern')
    return data

def validate____defs_actions(data, custom_formats={}, name_prefix=None):
    data_one_of_count15 = 0
    if data_one_of_count15 < 2:
        try:
            validate____defs_action(data, custom_formats, (name_prefix or "data") + "")
            data_one_of_count15 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count15 < 2:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$', 'x-message': 'an action is `*` or `service:Name` (letters and digits, `*` and `?` wildcards)'}}, rule='type')
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                if data_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain at least 1 items", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$', 'x-message': 'an action is `*` or `service:Name` (letters and digits, `*` and `?` wildcards)'}}, rule='minItems')
                for data_x, data_item in enumerate(data):
                    validate____defs_action(data_item, custom_formats, (name_prefix or "data") + "[{data_x}]".format(**locals()))
            data_one_of_count15 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count15 != 1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be valid exactly by one definition" + (" (" + str(data_one_of_count15) + " matches found)"), value=data, name="" + (name_prefix or "data") + "", definition={'oneOf': [{'type': 'string', 'pattern': '^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$', 'x-message': 'an action is `*` or `service:Name` (letters and digits, `*` and `?` wildcards)'}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'pattern': '^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$', 'x-message': 'an action is `*` or `service:Name` (letters and digits, `*` and `?` wildcards)'}}], 'x-message': 'must be an action or a non-empty array of actions'}, rule='oneOf')
    return data

def validate____defs_action(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$', 'x-message': 'an action is `*` or `service:Name` (letters and digits, `*` and `?` wildcards)'}, rule='type')
    if isinstance(data, str):
        if not REGEX_PATTERNS['^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^(\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$', 'x-message': 'an action is `*` or `service:Name` (letters and digits, `*` and `?` wildcards)'}, rule='pattern')
    return data

def validate____defs_principal(data, custom_formats={}, name_prefix=None):
    data_one_of_count16 = 0
    if data_one_of_count16 < 2:
        try:
            if not (isinstance(data, str) and data == '*'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be same as const definition: *", value=data, name="" + (name_prefix or "data") + "", definition={'const': '*'}, rule='const')
            data_one_of_count16 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count16 < 2:
        try:
            if not isinstance(data, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'oneOf': [{'type': 'string', 'minLength': 1}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'minLength': 1}}], 'x-message': 'must be a non-empty string or a non-empty array of non-empty strings'}}, rule='type')
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data_len = len(data)
                if data_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain at least 1 properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'oneOf': [{'type': 'string', 'minLength': 1}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'minLength': 1}}], 'x-message': 'must be a non-empty string or a non-empty array of non-empty strings'}}, rule='minProperties')
                data_keys = set(data.keys())
                for data_key in data_keys:
                    if data_key not in []:
                        data_value = data.get(data_key)
                        validate____defs_stringorlist(data_value, custom_formats, (name_prefix or "data") + ".{data_key}".format(**locals()))
                if data_len != 0:
                    data_property_names = True
                    for data_key in data:
                        try:
                            if not (isinstance(data_key, str) and data_key == 'AWS' or isinstance(data_key, str) and data_key == 'Service' or isinstance(data_key, str) and data_key == 'Federated' or isinstance(data_key, str) and data_key == 'CanonicalUser'):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['AWS', 'Service', 'Federated', 'CanonicalUser']", value=data_key, name="" + (name_prefix or "data") + "", definition={'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, rule='enum')
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data_property_names = False
                    if not data_property_names:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be named by propertyName definition", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'oneOf': [{'type': 'string', 'minLength': 1}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'minLength': 1}}], 'x-message': 'must be a non-empty string or a non-empty array of non-empty strings'}}, rule='propertyNames')
            data_one_of_count16 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count16 != 1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be valid exactly by one definition" + (" (" + str(data_one_of_count16) + " matches found)"), value=data, name="" + (name_prefix or "data") + "", definition={'oneOf': [{'const': '*'}, {'type': 'object', 'minProperties': 1, 'propertyNames': {'enum': ['AWS', 'Service', 'Federated', 'CanonicalUser']}, 'additionalProperties': {'oneOf': [{'type': 'string', 'minLength': 1}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'minLength': 1}}], 'x-message': 'must be a non-empty string or a non-empty array of non-empty strings'}}], 'x-message': 'a principal is `*` or an object whose keys are `AWS`, `Service`, `Federated` or `CanonicalUser`'}, rule='oneOf')
    return data

def validate____defs_stringorlist(data, custom_formats={}, name_prefix=None):
    data_one_of_count17 = 0
    if data_one_of_count17 < 2:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'minLength': 1}, rule='type')
            if isinstance(data, str):
                data_len = len(data)
                if data_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must be longer than or equal to 1 characters", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'minLength': 1}, rule='minLength')
            data_one_of_count17 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count17 < 2:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'minLength': 1}}, rule='type')
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                if data_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain at least 1 items", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'minLength': 1}}, rule='minItems')
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string", value=data_item, name="" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + "", definition={'type': 'string', 'minLength': 1}, rule='type')
                    if isinstance(data_item, str):
                        data_item_len = len(data_item)
                        if data_item_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be longer than or equal to 1 characters", value=data_item, name="" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + "", definition={'type': 'string', 'minLength': 1}, rule='minLength')
            data_one_of_count17 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if data_one_of_count17 != 1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be valid exactly by one definition" + (" (" + str(data_one_of_count17) + " matches found)"), value=data, name="" + (name_prefix or "data") + "", definition={'oneOf': [{'type': 'string', 'minLength': 1}, {'type': 'array', 'minItems': 1, 'items': {'type': 'string', 'minLength': 1}}], 'x-message': 'must be a non-empty string or a non-empty array of non-empty strings'}, rule='oneOf')
    return data

def validate____defs_effect(data, custom_formats={}, name_prefix=None):
    if not (isinstance(data, str) and data == 'Allow' or isinstance(data, str) and data == 'Deny'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['Allow', 'Deny']", value=data, name="" + (name_prefix or "data") + "", definition={'enum': ['Allow', 'Deny'], 'x-message': '`Effect` must be `Allow` or `Deny`'}, rule='enum')
    return data

def validate____defs_sid(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^[A-Za-z0-9]*$', 'x-message': '`Sid` may hold only ASCII letters and digits'}, rule='type')
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[A-Za-z0-9]*$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^[A-Za-z0-9]*$", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'pattern': '^[A-Za-z0-9]*$', 'x-message': '`Sid` may hold only ASCII letters and digits'}, rule='pattern')
    return data

def validate____defs_policyshell(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'properties': {'Version': {'enum': ['2012-10-17', '2008-10-17'], 'x-message': '`Version` must be `2012-10-17` (or the legacy `2008-10-17`)'}, 'Id': {'type': 'string', 'minLength': 1}}, 'required': ['Statement'], 'propertyNames': {'enum': ['Version', 'Id', 'Statement'], 'x-message': 'a policy holds only `Version`, `Id` and `Statement`'}, 'x-message': {'required': 'a policy needs `Statement`', 'type': 'a policy must be a JSON object'}}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['Statement']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'properties': {'Version': {'enum': ['2012-10-17', '2008-10-17'], 'x-message': '`Version` must be `2012-10-17` (or the legacy `2008-10-17`)'}, 'Id': {'type': 'string', 'minLength': 1}}, 'required': ['Statement'], 'propertyNames': {'enum': ['Version', 'Id', 'Statement'], 'x-message': 'a policy holds only `Version`, `Id` and `Statement`'}, 'x-message': {'required': 'a policy needs `Statement`', 'type': 'a policy must be a JSON object'}}, rule='required')
        data_keys = set(data.keys())
        if "Version" in data_keys:
            data_keys.remove("Version")
            data__Version = data["Version"]
            validate____defs_version(data__Version, custom_formats, (name_prefix or "data") + ".Version")
        if "Id" in data_keys:
            data_keys.remove("Id")
            data__Id = data["Id"]
            validate____defs_id(data__Id, custom_formats, (name_prefix or "data") + ".Id")
        data_len = len(data)
        if data_len != 0:
            data_property_names = True
            for data_key in data:
                try:
                    if not (isinstance(data_key, str) and data_key == 'Version' or isinstance(data_key, str) and data_key == 'Id' or isinstance(data_key, str) and data_key == 'Statement'):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['Version', 'Id', 'Statement']", value=data_key, name="" + (name_prefix or "data") + "", definition={'enum': ['Version', 'Id', 'Statement'], 'x-message': 'a policy holds only `Version`, `Id` and `Statement`'}, rule='enum')
                except (JsonSchemaValueException, JsonSchemaValuesException):
                    data_property_names = False
            if not data_property_names:
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be named by propertyName definition", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'properties': {'Version': {'enum': ['2012-10-17', '2008-10-17'], 'x-message': '`Version` must be `2012-10-17` (or the legacy `2008-10-17`)'}, 'Id': {'type': 'string', 'minLength': 1}}, 'required': ['Statement'], 'propertyNames': {'enum': ['Version', 'Id', 'Statement'], 'x-message': 'a policy holds only `Version`, `Id` and `Statement`'}, 'x-message': {'required': 'a policy needs `Statement`', 'type': 'a policy must be a JSON object'}}, rule='propertyNames')
    return data

def validate____defs_id(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'minLength': 1}, rule='type')
    if isinstance(data, str):
        data_len = len(data)
        if data_len < 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be longer than or equal to 1 characters", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'minLength': 1}, rule='minLength')
    return data

def validate____defs_version(data, custom_formats={}, name_prefix=None):
    if not (isinstance(data, str) and data == '2012-10-17' or isinstance(data, str) and data == '2008-10-17'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['2012-10-17', '2008-10-17']", value=data, name="" + (name_prefix or "data") + "", definition={'enum': ['2012-10-17', '2008-10-17'], 'x-message': '`Version` must be `2012-10-17` (or the legacy `2008-10-17`)'}, rule='enum')
    return data

def validate____defs_resourcepolicy(data, custom_formats={}, name_prefix=None):
    validate____defs_policyshell(data, custom_formats, (name_prefix or "data") + "")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "Statement" in data_keys:
            data_keys.remove("Statement")
            data__Statement = data["Statement"]
            data__Statement_one_of_count18 = 0
            if data__Statement_one_of_count18 < 2:
                try:
                    validate____defs_resourcestatement(data__Statement, custom_formats, (name_prefix or "data") + ".Statement")
                    data__Statement_one_of_count18 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__Statement_one_of_count18 < 2:
                try:
                    if not isinstance(data__Statement, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must be array", value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}], 'x-message': 'a resource-based policy statement needs `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}}, rule='type')
                    data__Statement_is_list = isinstance(data__Statement, (list, tuple))
                    if data__Statement_is_list:
                        data__Statement_len = len(data__Statement)
                        if data__Statement_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must contain at least 1 items", value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}], 'x-message': 'a resource-based policy statement needs `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}}, rule='minItems')
                        for data__Statement_x, data__Statement_item in enumerate(data__Statement):
                            validate____defs_resourcestatement(data__Statement_item, custom_formats, (name_prefix or "data") + ".Statement[{data__Statement_x}]".format(**locals()))
                    data__Statement_one_of_count18 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__Statement_one_of_count18 != 1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must be valid exactly by one definition" + (" (" + str(data__Statement_one_of_count18) + " matches found)"), value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'oneOf': [{'allOf': [{'$ref': '#/$defs/statement'}, {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}], 'x-message': 'a resource-based policy statement needs `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}, {'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}], 'x-message': 'a resource-based policy statement needs `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}, rule='oneOf')
    return data

def validate____defs_resourcestatement(data, custom_formats={}, name_prefix=None):
    validate____defs_statement(data, custom_formats, (name_prefix or "data") + "")
    data_any_of_count19 = 0
    if not data_any_of_count19:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['Principal']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['Principal']}, rule='required')
            data_any_of_count19 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count19:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['NotPrincipal']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['NotPrincipal']}, rule='required')
            data_any_of_count19 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count19:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition", value=data, name="" + (name_prefix or "data") + "", definition={'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}], 'x-message': 'a resource-based policy statement needs `Principal` or `NotPrincipal`'}, rule='anyOf')
    data_any_of_count20 = 0
    if not data_any_of_count20:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['Resource']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['Resource']}, rule='required')
            data_any_of_count20 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count20:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['NotResource']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['NotResource']}, rule='required')
            data_any_of_count20 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count20:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition", value=data, name="" + (name_prefix or "data") + "", definition={'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}, rule='anyOf')
    return data

def validate____defs_identitypolicy(data, custom_formats={}, name_prefix=None):
    validate____defs_policyshell(data, custom_formats, (name_prefix or "data") + "")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "Statement" in data_keys:
            data_keys.remove("Statement")
            data__Statement = data["Statement"]
            data__Statement_one_of_count21 = 0
            if data__Statement_one_of_count21 < 2:
                try:
                    validate____defs_identitystatement(data__Statement, custom_formats, (name_prefix or "data") + ".Statement")
                    data__Statement_one_of_count21 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__Statement_one_of_count21 < 2:
                try:
                    if not isinstance(data__Statement, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must be array", value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'not': {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}]}, 'x-message': 'identity, session and boundary policies may not hold `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}}, rule='type')
                    data__Statement_is_list = isinstance(data__Statement, (list, tuple))
                    if data__Statement_is_list:
                        data__Statement_len = len(data__Statement)
                        if data__Statement_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must contain at least 1 items", value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'not': {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}]}, 'x-message': 'identity, session and boundary policies may not hold `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}}, rule='minItems')
                        for data__Statement_x, data__Statement_item in enumerate(data__Statement):
                            validate____defs_identitystatement(data__Statement_item, custom_formats, (name_prefix or "data") + ".Statement[{data__Statement_x}]".format(**locals()))
                    data__Statement_one_of_count21 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__Statement_one_of_count21 != 1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must be valid exactly by one definition" + (" (" + str(data__Statement_one_of_count21) + " matches found)"), value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'oneOf': [{'allOf': [{'$ref': '#/$defs/statement'}, {'not': {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}]}, 'x-message': 'identity, session and boundary policies may not hold `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}, {'type': 'array', 'minItems': 1, 'items': {'allOf': [{'$ref': '#/$defs/statement'}, {'not': {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}]}, 'x-message': 'identity, session and boundary policies may not hold `Principal` or `NotPrincipal`'}, {'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}]}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}, rule='oneOf')
    return data

def validate____defs_identitystatement(data, custom_formats={}, name_prefix=None):
    validate____defs_statement(data, custom_formats, (name_prefix or "data") + "")
    try:
        data_any_of_count22 = 0
        if not data_any_of_count22:
            try:
                data_is_dict = isinstance(data, dict)
                if data_is_dict:
                    data__missing_keys = set(['Principal']) - data.keys()
                    if data__missing_keys:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['Principal']}, rule='required')
                data_any_of_count22 += 1
            except (JsonSchemaValueException, JsonSchemaValuesException): pass
        if not data_any_of_count22:
            try:
                data_is_dict = isinstance(data, dict)
                if data_is_dict:
                    data__missing_keys = set(['NotPrincipal']) - data.keys()
                    if data__missing_keys:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['NotPrincipal']}, rule='required')
                data_any_of_count22 += 1
            except (JsonSchemaValueException, JsonSchemaValuesException): pass
        if not data_any_of_count22:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition", value=data, name="" + (name_prefix or "data") + "", definition={'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}]}, rule='anyOf')
    except (JsonSchemaValueException, JsonSchemaValuesException): pass
    else:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must NOT match a disallowed definition", value=data, name="" + (name_prefix or "data") + "", definition={'not': {'anyOf': [{'required': ['Principal']}, {'required': ['NotPrincipal']}]}, 'x-message': 'identity, session and boundary policies may not hold `Principal` or `NotPrincipal`'}, rule='not')
    data_any_of_count23 = 0
    if not data_any_of_count23:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['Resource']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['Resource']}, rule='required')
            data_any_of_count23 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count23:
        try:
            data_is_dict = isinstance(data, dict)
            if data_is_dict:
                data__missing_keys = set(['NotResource']) - data.keys()
                if data__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'required': ['NotResource']}, rule='required')
            data_any_of_count23 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count23:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition", value=data, name="" + (name_prefix or "data") + "", definition={'anyOf': [{'required': ['Resource']}, {'required': ['NotResource']}], 'x-message': 'a statement needs one of `Resource` or `NotResource`'}, rule='anyOf')
    return data

def validate____defs_anypolicy(data, custom_formats={}, name_prefix=None):
    validate____defs_policyshell(data, custom_formats, (name_prefix or "data") + "")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "Statement" in data_keys:
            data_keys.remove("Statement")
            data__Statement = data["Statement"]
            data__Statement_one_of_count24 = 0
            if data__Statement_one_of_count24 < 2:
                try:
                    validate____defs_statement(data__Statement, custom_formats, (name_prefix or "data") + ".Statement")
                    data__Statement_one_of_count24 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__Statement_one_of_count24 < 2:
                try:
                    if not isinstance(data__Statement, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must be array", value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'object', 'properties': {'Sid': {'$ref': '#/$defs/sid'}, 'Effect': {'$ref': '#/$defs/effect'}, 'Principal': {'$ref': '#/$defs/principal'}, 'NotPrincipal': {'$ref': '#/$defs/principal'}, 'Action': {'$ref': '#/$defs/actions'}, 'NotAction': {'$ref': '#/$defs/actions'}, 'Resource': {'$ref': '#/$defs/resources'}, 'NotResource': {'$ref': '#/$defs/resources'}, 'Condition': {'$ref': '#/$defs/condition'}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}}, rule='type')
                    data__Statement_is_list = isinstance(data__Statement, (list, tuple))
                    if data__Statement_is_list:
                        data__Statement_len = len(data__Statement)
                        if data__Statement_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must contain at least 1 items", value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'object', 'properties': {'Sid': {'$ref': '#/$defs/sid'}, 'Effect': {'$ref': '#/$defs/effect'}, 'Principal': {'$ref': '#/$defs/principal'}, 'NotPrincipal': {'$ref': '#/$defs/principal'}, 'Action': {'$ref': '#/$defs/actions'}, 'NotAction': {'$ref': '#/$defs/actions'}, 'Resource': {'$ref': '#/$defs/resources'}, 'NotResource': {'$ref': '#/$defs/resources'}, 'Condition': {'$ref': '#/$defs/condition'}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}}, rule='minItems')
                        for data__Statement_x, data__Statement_item in enumerate(data__Statement):
                            validate____defs_statement(data__Statement_item, custom_formats, (name_prefix or "data") + ".Statement[{data__Statement_x}]".format(**locals()))
                    data__Statement_one_of_count24 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if data__Statement_one_of_count24 != 1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".Statement must be valid exactly by one definition" + (" (" + str(data__Statement_one_of_count24) + " matches found)"), value=data__Statement, name="" + (name_prefix or "data") + ".Statement", definition={'oneOf': [{'type': 'object', 'properties': {'Sid': {'$ref': '#/$defs/sid'}, 'Effect': {'$ref': '#/$defs/effect'}, 'Principal': {'$ref': '#/$defs/principal'}, 'NotPrincipal': {'$ref': '#/$defs/principal'}, 'Action': {'$ref': '#/$defs/actions'}, 'NotAction': {'$ref': '#/$defs/actions'}, 'Resource': {'$ref': '#/$defs/resources'}, 'NotResource': {'$ref': '#/$defs/resources'}, 'Condition': {'$ref': '#/$defs/condition'}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}, {'type': 'array', 'minItems': 1, 'items': {'type': 'object', 'properties': {'Sid': {'$ref': '#/$defs/sid'}, 'Effect': {'$ref': '#/$defs/effect'}, 'Principal': {'$ref': '#/$defs/principal'}, 'NotPrincipal': {'$ref': '#/$defs/principal'}, 'Action': {'$ref': '#/$defs/actions'}, 'NotAction': {'$ref': '#/$defs/actions'}, 'Resource': {'$ref': '#/$defs/resources'}, 'NotResource': {'$ref': '#/$defs/resources'}, 'Condition': {'$ref': '#/$defs/condition'}}, 'additionalProperties': False, 'x-message': {'additionalProperties': 'a statement may hold only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition', 'required': 'a statement needs `Effect`', 'type': 'a statement must be a JSON object'}, 'required': ['Effect'], 'allOf': [{'oneOf': [{'required': ['Action']}, {'required': ['NotAction']}], 'x-message': 'a statement needs exactly one of `Action` or `NotAction`'}, {'not': {'required': ['Resource', 'NotResource']}, 'x-message': 'a statement may not hold both `Resource` and `NotResource`'}, {'not': {'required': ['Principal', 'NotPrincipal']}, 'x-message': 'a statement may not hold both `Principal` and `NotPrincipal`'}, {'if': {'required': ['NotPrincipal']}, 'then': {'properties': {'Effect': {'const': 'Deny', 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}}}, 'x-message': '`NotPrincipal` is allowed only with `"Effect": "Deny"`'}]}}], 'x-message': '`Statement` is a statement object or a non-empty array of them'}, rule='oneOf')
    return data

SCHEMA_SHA256 = 'e880ce250b2a0bf330b3cd5126f947a0d9e8c506d5da9e1c68fc28ab0e140542'
ENTRY_VALIDATORS = {
    'anyPolicy': validate____defs_anypolicy,
    'identityPolicy': validate____defs_identitypolicy,
    'resourcePolicy': validate____defs_resourcepolicy,
    'trustPolicy': validate____defs_trustpolicy,
}
