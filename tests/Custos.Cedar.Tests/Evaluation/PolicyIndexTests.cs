using Custos.Cedar.Entities;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Syntax;
using Custos.Cedar.Tests.Support;

namespace Custos.Cedar.Tests.Evaluation;

/// <summary>The scope index may only skip work: with or without it, every request gets the same answer.</summary>
public sealed class PolicyIndexTests
{
    private static readonly string[] Principals = ["User::\"alice\"", "User::\"bob\"", "Group::\"staff\"", "Group::\"managers\"", "Group::\"everyone\"", "User::\"ghost\""];
    private static readonly string[] Actions = ["Action::\"view\"", "Action::\"read\"", "Action::\"write\""];
    private static readonly string[] Resources = ["Photo::\"beach\"", "Album::\"holidays\"", "Photo::\"other\""];

    private static string Scope(Random random, string variable, string[] entities, bool isAction)
    {
        var entity = entities[random.Next(entities.Length)];
        var type = entity[..entity.IndexOf(':', StringComparison.Ordinal)];
        return random.Next(isAction ? 4 : 6) switch
        {
            0 => variable,
            1 => $"{variable} == {entity}",
            2 => $"{variable} in {entity}",
            3 when isAction => $"{variable} in [{entity}, {entities[random.Next(entities.Length)]}]",
            4 => $"{variable} is {type}",
            _ => $"{variable} is {type} in {entity}",
        };
    }

    [Fact]
    public void Indexed_and_exhaustive_evaluation_agree()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var text = string.Join('\n', Enumerable.Range(0, random.Next(1, 40)).Select(_ =>
                $"{(random.Next(4) == 0 ? "forbid" : "permit")}({Scope(random, "principal", Principals, false)}, {Scope(random, "action", Actions, true)}, {Scope(random, "resource", Resources, false)})"
                + (random.Next(5) == 0 ? " when { principal.age > 40 };" : ";")));
            var policies = PolicySet.Parse(text);
            for (var i = 0; i < 20; i++)
            {
                var request = new Request(
                    EntityUid.Parse(Principals[random.Next(Principals.Length)]),
                    EntityUid.Parse(Actions[random.Next(Actions.Length)]),
                    EntityUid.Parse(Resources[random.Next(Resources.Length)]));
                var indexed = Authorizer.IsAuthorized(request, policies, Eval.Entities);
                var exhaustive = Exhaustive(request, policies, Eval.Entities);

                indexed.Decision.ShouldBe(exhaustive.Decision, text);
                indexed.Reasons.ShouldBe(exhaustive.Reasons, text);
                indexed.Errors.Select(e => e.PolicyId).ShouldBe(exhaustive.Errors.Select(e => e.PolicyId), text);
            }
        }
    }

    /// <summary>Every policy evaluated, in order, as the semantics say.</summary>
    private static Response Exhaustive(Request request, PolicySet policies, EntityStore entities)
    {
        var context = new EvaluationContext(request.Principal, request.Action, request.Resource, Value.FromRecord(request.Context), entities);
        var permits = new List<string>();
        var forbids = new List<string>();
        var errors = new List<AuthorizationError>();
        foreach (var policy in policies.Policies)
        {
            switch (policy.Compiled.Evaluate(context, out var error))
            {
                case PolicyOutcome.Satisfied:
                    (policy.Effect == Effect.Forbid ? forbids : permits).Add(policy.Id);
                    break;
                case PolicyOutcome.Error:
                    errors.Add(new AuthorizationError(policy.Id, error!));
                    break;
            }
        }
        return forbids.Count > 0 ? new Response(Decision.Deny, forbids, errors)
            : permits.Count > 0 ? new Response(Decision.Allow, permits, errors)
            : new Response(Decision.Deny, [], errors);
    }
}
