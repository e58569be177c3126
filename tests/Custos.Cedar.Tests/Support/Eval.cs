using Custos.Cedar.Entities;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Syntax;

namespace Custos.Cedar.Tests.Support;

/// <summary>Evaluates expressions against a small fixed world: users in groups, a photo in an album, tags.</summary>
public static class Eval
{
    public static EntityStore Entities { get; } = EntityStore.FromJson("""
        [
          {"uid": {"type": "User", "id": "alice"}, "attrs": {"age": 30, "name": "Alice", "manager": {"__entity": {"type": "User", "id": "bob"}},
            "address": {"city": "Lyon", "zip": "69001"}, "roles": ["admin", "dev"]},
           "parents": [{"type": "Group", "id": "staff"}], "tags": {"clearance": "secret", "level": 3}},
          {"uid": {"type": "User", "id": "bob"}, "attrs": {"age": 50}, "parents": [{"type": "Group", "id": "managers"}]},
          {"uid": {"type": "Group", "id": "staff"}, "attrs": {}, "parents": [{"type": "Group", "id": "everyone"}]},
          {"uid": {"type": "Group", "id": "managers"}, "attrs": {}, "parents": [{"type": "Group", "id": "staff"}]},
          {"uid": {"type": "Group", "id": "everyone"}, "attrs": {}, "parents": []},
          {"uid": {"type": "Action", "id": "view"}, "attrs": {}, "parents": [{"type": "Action", "id": "read"}]},
          {"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": []},
          {"uid": {"type": "Photo", "id": "beach"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "alice"}}, "private": false},
           "parents": [{"type": "Album", "id": "holidays"}]},
          {"uid": {"type": "Album", "id": "holidays"}, "attrs": {}, "parents": []}
        ]
        """);

    public static Request Request { get; } = new(
        EntityUid.Parse("User::\"alice\""),
        EntityUid.Parse("Action::\"view\""),
        EntityUid.Parse("Photo::\"beach\""),
        EntityJson.ParseContext("""{"ip": {"__extn": {"fn": "ip", "arg": "10.1.2.3"}}, "mfa": true, "hour": 14, "tags": ["a", "b"]}"""));

    /// <summary>The value of an expression that must not fail.</summary>
    public static Value Value(string expression)
    {
        var ok = Authorizer.TryEvaluate(Parser.ParseExpression(expression), Request, Entities, out var value, out var error);
        ok.ShouldBeTrue($"`{expression}` failed: {error?.Message}");
        return value;
    }

    public static bool True(string expression) => Value(expression).AsBool;

    /// <summary>The error of an expression that must fail.</summary>
    public static EvaluationError Error(string expression)
    {
        var ok = Authorizer.TryEvaluate(Parser.ParseExpression(expression), Request, Entities, out var value, out var error);
        ok.ShouldBeFalse($"`{expression}` should fail but gave {value}");
        return error!;
    }
}
