using Custos.Cedar.Entities;
using Custos.Cedar.Tests.Support;

namespace Custos.Cedar.Tests;

public sealed class AuthorizerTests
{
    private static Response Authorize(string policies, Request? request = null) =>
        Authorizer.IsAuthorized(request ?? Eval.Request, PolicySet.Parse(policies), Eval.Entities);

    [Fact]
    public void No_policy_means_deny() => Authorize("").Decision.ShouldBe(Decision.Deny);

    [Fact]
    public void A_satisfied_permit_allows_and_is_the_reason()
    {
        var response = Authorize("""
            permit(principal, action, resource) when { false };
            permit(principal in Group::"staff", action == Action::"view", resource);
            permit(principal == User::"alice", action in Action::"read", resource in Album::"holidays");
            """);
        response.Decision.ShouldBe(Decision.Allow);
        response.Reasons.ShouldBe(["policy1", "policy2"]);
        response.Errors.ShouldBeEmpty();
    }

    [Fact]
    public void Forbid_overrides_permit()
    {
        var response = Authorize("""
            permit(principal, action, resource);
            forbid(principal, action, resource) when { !context.mfa || context.hour > 12 };
            """);
        response.Decision.ShouldBe(Decision.Deny);
        response.Reasons.ShouldBe(["policy1"]);
    }

    [Fact]
    public void An_erroring_policy_is_skipped_and_reported()
    {
        var response = Authorize("""
            forbid(principal, action, resource) when { principal.missing == 1 };
            permit(principal, action, resource) when { 1 + true };
            permit(principal, action, resource) when { principal.age == 30 };
            """);
        response.Decision.ShouldBe(Decision.Allow);
        response.Reasons.ShouldBe(["policy2"]);
        response.Errors.Select(e => e.PolicyId).ShouldBe(["policy0", "policy1"]);
        response.Errors[0].Error.Message.ShouldContain("missing");
    }

    [Fact]
    public void A_condition_that_is_not_boolean_is_an_error() =>
        Authorize("permit(principal, action, resource) when { 1 };").Errors.Count.ShouldBe(1);

    [Fact]
    public void Conditions_short_circuit_in_order()
    {
        var response = Authorize("permit(principal, action, resource) when { false } when { 1 + true };");
        response.Errors.ShouldBeEmpty();
        response.Decision.ShouldBe(Decision.Deny);
    }

    [Theory]
    [InlineData("principal == User::\"alice\"", true)]
    [InlineData("principal == User::\"bob\"", false)]
    [InlineData("principal in Group::\"everyone\"", true)]
    [InlineData("principal is User", true)]
    [InlineData("principal is Group", false)]
    [InlineData("principal is User in Group::\"staff\"", true)]
    [InlineData("principal is User in Group::\"managers\"", false)]
    public void Principal_scope(string scope, bool allowed) =>
        Authorize($"permit({scope}, action, resource);").IsAllowed.ShouldBe(allowed);

    [Theory]
    [InlineData("action == Action::\"view\"", true)]
    [InlineData("action in Action::\"read\"", true)]
    [InlineData("action in [Action::\"write\", Action::\"read\"]", true)]
    [InlineData("action in [Action::\"write\"]", false)]
    [InlineData("action in []", false)]
    public void Action_scope(string scope, bool allowed) =>
        Authorize($"permit(principal, {scope}, resource);").IsAllowed.ShouldBe(allowed);

    [Fact]
    public void The_index_finds_every_policy_that_can_match()
    {
        // Many policies filed under different keys; only the matching ones must answer.
        var text = string.Join('\n', Enumerable.Range(0, 200).Select(i => $"permit(principal == User::\"u{i}\", action, resource);"))
            + "\npermit(principal, action, resource in Album::\"holidays\");"
            + "\nforbid(principal is User, action, resource) when { context.hour == 99 };"
            + "\npermit(principal, action in [Action::\"nope\", Action::\"read\"], resource is Photo);";
        var response = Authorize(text);
        response.Reasons.ShouldBe(["policy200", "policy202"]);
    }

    [Fact]
    public void Policy_sets_take_caller_ids()
    {
        var set = new PolicySet();
        set.Add("allow-alice", "permit(principal == User::\"alice\", action, resource);");
        Should.Throw<ArgumentException>(() => set.Add("allow-alice", "permit(principal, action, resource);"));
        Authorizer.IsAuthorized(Eval.Request, set, EntityStore.Empty).Reasons.ShouldBe(["allow-alice"]);
    }

    [Fact]
    public void Requests_read_from_json()
    {
        var request = Request.FromJson("""
            {"principal": {"type": "User", "id": "alice"}, "action": {"type": "Action", "id": "view"},
             "resource": {"type": "Photo", "id": "beach"}, "context": {"mfa": true}}
            """);
        request.Principal.ShouldBe(EntityUid.Parse("User::\"alice\""));
        request.Context.ContainsKey("mfa").ShouldBeTrue();
        Should.Throw<CedarJsonException>(() => Request.FromJson("""{"principal": {"type": "User", "id": "alice"}}"""));
    }
}
