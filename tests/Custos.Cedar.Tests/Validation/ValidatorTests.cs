using Custos.Cedar.Entities;
using Custos.Cedar.Schema;
using Custos.Cedar.Syntax;
using Custos.Cedar.Validation;

namespace Custos.Cedar.Tests.Validation;

/// <summary>
/// One rule of Cedar's strict validator per case: a policy that keeps it validates, one that
/// breaks it does not, and the error says which rule in words.
/// </summary>
public sealed class ValidatorTests
{
    private const string SchemaText = """
        entity Group;
        entity User in [Group] { name: String, age: Long, email?: String, manager?: User };
        entity Photo { owner: User, labels: Set<String> } tags String;
        entity Role enum ["admin", "viewer"];
        action read;
        action view in [read] appliesTo {
          principal: [User],
          resource: [Photo],
          context: { ip: ipaddr, mfa: Bool, level?: Long }
        };
        """;

    private static readonly Validator Validator = new(CedarSchema.Parse(SchemaText));

    private static IReadOnlyList<ValidationError> Validate(string condition, string scope = "principal, action == Action::\"view\", resource") =>
        Validator.Validate("p", Parser.ParsePolicy($"permit({scope}) when {{ {condition} }};"));

    [Theory]
    // Entity types must be declared.
    [InlineData("unknown entity type", "principal == User::\"a\"", "principal == Usr::\"a\"", "unknown entity type `Usr`")]
    // Attributes must exist on the type.
    [InlineData("attribute exists", "principal.name == \"x\"", "principal.rolez == \"x\"", "entity type `User` has no attribute `rolez`")]
    // An optional attribute is read only behind `has`.
    [InlineData("optional attribute", "principal has email && principal.email like \"*@x\"", "principal.email like \"*@x\"", "attribute `email` of entity type `User` is optional")]
    // Operators take operands of their types.
    [InlineData("operand types", "principal.age > 18", "principal.name > 18", "expected Long, found String")]
    // `==` compares values that have a common type.
    [InlineData("equality types", "principal.age == 3", "principal.age == \"3\"", "incompatible types Long and String")]
    // Extension constructors get valid literal strings.
    [InlineData("extension literal", "context.ip.isInRange(ip(\"10.0.0.0/8\"))", "context.ip.isInRange(ip(\"10.0.0.0/33\"))", "is not a valid ipaddr")]
    [InlineData("extension literal only", "context.ip.isInRange(ip(\"10.0.0.0/8\"))", "context.ip.isInRange(ip(principal.name))", "must be given a literal string")]
    // Extension functions take arguments of their types.
    [InlineData("extension argument", "context.ip.isLoopback()", "principal.name.isLoopback()", "argument 1 of `isLoopback` expects ipaddr, found String")]
    // Set literals are not empty and have one element type.
    [InlineData("empty set", "[1].contains(1)", "[].contains(1)", "an empty set literal")]
    [InlineData("set element types", "[1, 2].contains(1)", "[1, \"a\"].contains(1)", "the elements of a set must have one type")]
    // Tags are read only behind `hasTag`.
    [InlineData("tag access", "resource.hasTag(\"k\") && resource.getTag(\"k\") == \"v\"", "resource.getTag(\"k\") == \"v\"", "guard `getTag` with `hasTag`")]
    // `in` takes entities.
    [InlineData("in takes entities", "principal in Group::\"g\"", "principal in principal.name", "the right of `in` expects a set of entities or an entity, found String")]
    // The context has the declared attributes.
    [InlineData("context attribute", "context.mfa", "context.mfaa", "has no attribute `mfaa`")]
    // Conditions are booleans.
    [InlineData("condition is boolean", "principal.age > 1", "principal.age", "expects a boolean, found Long")]
    // Both branches of `if` have a common type.
    [InlineData("if branches", "(if context.mfa then 1 else 2) > 0", "(if context.mfa then 1 else \"a\") == 1", "the two branches of `if` have incompatible types")]
    // Enumerated entities are among the enumerated ids.
    [InlineData("enumerated entity", "Role::\"viewer\" == Role::\"viewer\"", "Role::\"owner\" == Role::\"viewer\"", "Role::\"owner\" is not one of the entities the schema enumerates")]
    public void A_rule_accepts_a_policy_that_keeps_it_and_rejects_one_that_breaks_it(string rule, string passing, string failing, string message)
    {
        var accepted = Validate(passing);
        var rejected = Validate(failing);

        accepted.ShouldBeEmpty(rule);
        rejected.ShouldNotBeEmpty(rule);
        rejected.ShouldContain(e => e.Message.Contains(message, StringComparison.Ordinal), string.Join("\n", rejected));
    }

    [Theory]
    [InlineData("principal, action == Action::\"view\", resource", true)]
    [InlineData("principal in Group::\"g\", action in Action::\"read\", resource", true)]
    [InlineData("principal, action == Action::\"veiw\", resource", false)]
    [InlineData("principal == Photo::\"p\", action == Action::\"view\", resource", false)]
    [InlineData("principal in Photo::\"p\", action == Action::\"view\", resource", false)]
    [InlineData("principal, action == Action::\"view\", resource is User", false)]
    [InlineData("principal, action == Action::\"read\", resource", false)]
    public void The_scope_must_fit_some_action_and_name_declared_actions(string scope, bool valid)
    {
        var errors = Validator.Validate("p", Parser.ParsePolicy($"permit({scope});"));

        (errors.Count == 0).ShouldBe(valid, string.Join("\n", errors));
    }

    [Fact]
    public void An_unknown_action_is_named_with_the_likely_intended_one()
    {
        var errors = Validator.Validate("p", Parser.ParsePolicy("permit(principal, action == Action::\"veiw\", resource);"));

        errors.ShouldContain(e => e.Message.Contains("unknown action Action::\"veiw\"", StringComparison.Ordinal) && e.Message.Contains("Action::\"view\"", StringComparison.Ordinal));
    }

    [Fact]
    public void A_clause_that_cannot_be_reached_for_a_request_is_not_checked_for_it()
    {
        // Every `view` request has a User principal, so the right of `&&` is never evaluated.
        Validate("principal is Photo && principal.nosuch == 1").ShouldBeEmpty();
        Validate("principal is User && principal.nosuch == 1").ShouldNotBeEmpty();
    }

    [Fact]
    public void An_error_names_the_file_the_line_and_the_column_of_the_expression()
    {
        var policy = Parser.ParsePolicies("""
            @id("deny-banned")
            forbid(principal, action == Action::"view", resource)
            when { principal.rolez == "banned" };
            """)[0];

        var error = Validator.Validate("deny-banned", policy, "50-staff.cedar").ShouldHaveSingleItem();

        error.Position.ShouldBe(new SourcePosition(3, 8));
        error.ToString().ShouldStartWith("50-staff.cedar:3:8: policy `deny-banned`: ");
        error.Message.ShouldContain("`rolez`");
        error.Message.ShouldContain("name");
    }

    [Fact]
    public void A_request_is_checked_against_the_action_declaration()
    {
        var valid = Request.FromJson("""
            {"principal": {"type": "User", "id": "a"}, "action": {"type": "Action", "id": "view"}, "resource": {"type": "Photo", "id": "p"},
             "context": {"ip": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}}, "mfa": true}}
            """);
        var wrongPrincipal = new Request(new EntityUid("Photo", "a"), valid.Action, valid.Resource, valid.Context);
        var missingContext = new Request(valid.Principal, valid.Action, valid.Resource);
        var undeclaredAction = new Request(valid.Principal, new EntityUid("Action", "print"), valid.Resource, valid.Context);
        var extraContext = Request.FromJson("""
            {"principal": {"type": "User", "id": "a"}, "action": {"type": "Action", "id": "view"}, "resource": {"type": "Photo", "id": "p"},
             "context": {"ip": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}}, "mfa": true, "extra": 1}}
            """);

        Validator.ValidateRequest(valid).ShouldBeEmpty();
        Validator.ValidateRequest(wrongPrincipal).ShouldHaveSingleItem().ShouldContain("does not apply to a principal of type Photo");
        Validator.ValidateRequest(missingContext).ShouldHaveSingleItem().ShouldContain("required attribute `ip` is missing");
        Validator.ValidateRequest(undeclaredAction).ShouldHaveSingleItem().ShouldContain("is not declared");
        Validator.ValidateRequest(extraContext).ShouldHaveSingleItem().ShouldContain("`extra` is not declared");
    }

    [Fact]
    public void A_json_schema_validates_like_the_same_schema_in_cedar_syntax()
    {
        var json = CedarSchema.Parse("""
            {"": {
              "entityTypes": {"User": {"shape": {"type": "Record", "attributes": {"name": {"type": "String"}}}, "memberOfTypes": ["Group"]}, "Group": {}},
              "actions": {"view": {"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Group"]}}}
            }}
            """);
        var validator = new Validator(json);

        validator.Validate("p", Parser.ParsePolicy("permit(principal in Group::\"g\", action, resource) when { principal.name == \"x\" };")).ShouldBeEmpty();
        validator.Validate("p", Parser.ParsePolicy("permit(principal, action, resource) when { principal.nmae == \"x\" };")).ShouldNotBeEmpty();
        validator.Validate("p", Parser.ParsePolicy("permit(principal, action, resource == User::\"u\");")).ShouldNotBeEmpty();
    }
}
