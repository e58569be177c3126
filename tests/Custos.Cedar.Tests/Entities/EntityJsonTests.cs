using Custos.Cedar.Entities;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Schema;

namespace Custos.Cedar.Tests.Entities;

public sealed class EntityJsonTests
{
    [Fact]
    public void Entities_have_attributes_parents_tags_and_escapes()
    {
        var store = EntityStore.FromJson("""
            [
              {"uid": {"__entity": {"type": "User", "id": "a"}},
               "attrs": {"n": 9223372036854775807, "m": -9223372036854775808, "s": "x", "b": true, "set": [1, 1, 2],
                         "rec": {"k": {"__entity": {"type": "User", "id": "b"}}},
                         "ip": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}},
                         "when": {"__extn": {"fn": "offset", "args": [{"__extn": {"fn": "datetime", "arg": "1970-01-01"}}, {"__extn": {"fn": "duration", "arg": "1s"}}]}}},
               "parents": [{"type": "Group", "id": "g"}, {"__entity": {"type": "Group", "id": "h"}}],
               "tags": {"t": 1}},
              {"uid": {"type": "Group", "id": "g"}, "attrs": {}, "parents": [{"type": "Group", "id": "root"}]}
            ]
            """);
        var user = store.Find(EntityUid.Parse("User::\"a\""))!;

        user.Attributes.TryGetValue("n", out var n).ShouldBeTrue();
        n.AsLong.ShouldBe(long.MaxValue);
        user.Attributes.TryGetValue("m", out var m).ShouldBeTrue();
        m.AsLong.ShouldBe(long.MinValue);
        user.Attributes.TryGetValue("set", out var set).ShouldBeTrue();
        set.AsSet.Count.ShouldBe(2);
        user.Attributes.TryGetValue("rec", out var rec).ShouldBeTrue();
        rec.AsRecord.TryGetValue("k", out var k).ShouldBeTrue();
        k.AsEntity.ShouldBe(EntityUid.Parse("User::\"b\""));
        user.Attributes.TryGetValue("ip", out var ip).ShouldBeTrue();
        ip.Kind.ShouldBe(ValueKind.IpAddr);
        user.Attributes.TryGetValue("when", out var when).ShouldBeTrue();
        when.Kind.ShouldBe(ValueKind.Datetime);
        when.AsFixed.ShouldBe(1000);
        user.Tags.ContainsKey("t").ShouldBeTrue();
        user.HasAncestor(EntityUid.Parse("Group::\"root\"")).ShouldBeTrue();
        user.HasAncestor(EntityUid.Parse("Group::\"h\"")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("1.5", "not an integer")]
    [InlineData("1e3", "not an integer")]
    [InlineData("9223372036854775808", "not an integer")]
    [InlineData("-9223372036854775809", "not an integer")]
    [InlineData("null", "not a Cedar value")]
    [InlineData("{\"__extn\": {\"fn\": \"ip\", \"arg\": \"nope\"}}", "invalid IP")]
    [InlineData("{\"__extn\": {\"fn\": \"nope\", \"arg\": \"x\"}}", "not an extension function")]
    [InlineData("{\"a\": 1, \"a\": 2}", "more than once")]
    public void Bad_values_are_rejected_with_a_clear_error(string json, string message)
    {
        var error = Should.Throw<CedarJsonException>(() => EntityStore.FromJson($"[{{\"uid\": {{\"type\": \"U\", \"id\": \"a\"}}, \"attrs\": {{\"x\": {json}}}, \"parents\": []}}]"));
        error.Message.ShouldContain(message);
        error.Message.ShouldContain("U::\"a\"");
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{}")]
    [InlineData("[{\"attrs\": {}}]")]
    [InlineData("[{\"uid\": {\"type\": \"U\"}}]")]
    [InlineData("[{\"uid\": {\"type\": \"not a name\", \"id\": \"x\"}}]")]
    [InlineData("[{\"uid\": {\"type\": \"U\", \"id\": \"a\"}}, {\"uid\": {\"type\": \"U\", \"id\": \"a\"}}]")]
    public void Bad_entity_documents_are_rejected(string json) => Should.Throw<CedarJsonException>(() => EntityStore.FromJson(json));

    [Fact]
    public void A_schema_allows_the_implicit_forms_and_adds_declared_actions()
    {
        var schema = CedarSchema.Parse("""
            namespace App {
              type Address = { city: String, ip?: ipaddr };
              entity User in [Group] = { manager: User, home: Address, score: decimal, friends: Set<User> };
              entity Group;
              action view, edit in [view] appliesTo { principal: [User], resource: [User], context: { when: datetime, ip: ipaddr } };
            }
            """);
        var store = EntityStore.FromJson("""
            [{"uid": {"type": "App::User", "id": "a"},
              "attrs": {"manager": {"type": "App::User", "id": "b"}, "home": {"city": "Lyon", "ip": "10.0.0.1"}, "score": "1.25",
                        "friends": [{"type": "App::User", "id": "c"}]},
              "parents": []}]
            """, schema);
        var user = store.Find(EntityUid.Parse("App::User::\"a\""))!;
        user.Attributes.TryGetValue("manager", out var manager).ShouldBeTrue();
        manager.Kind.ShouldBe(ValueKind.Entity);
        user.Attributes.TryGetValue("score", out var score).ShouldBeTrue();
        score.Kind.ShouldBe(ValueKind.Decimal);
        user.Attributes.TryGetValue("friends", out var friends).ShouldBeTrue();
        friends.AsSet.Elements[0].Kind.ShouldBe(ValueKind.Entity);
        user.Attributes.TryGetValue("home", out var home).ShouldBeTrue();
        home.AsRecord.TryGetValue("ip", out var ip).ShouldBeTrue();
        ip.Kind.ShouldBe(ValueKind.IpAddr);

        store.Find(EntityUid.Parse("App::Action::\"edit\""))!.HasAncestor(EntityUid.Parse("App::Action::\"view\"")).ShouldBeTrue();

        var context = EntityJson.ParseContext("""{"when": "2024-01-01", "ip": "::1"}""", schema, EntityUid.Parse("App::Action::\"view\""));
        context.TryGetValue("when", out var when).ShouldBeTrue();
        when.Kind.ShouldBe(ValueKind.Datetime);
    }

    [Fact]
    public void A_json_schema_types_the_same_way()
    {
        var schema = CedarSchema.Parse("""
            {"App": {
               "commonTypes": {"Ctx": {"type": "Record", "attributes": {"ip": {"type": "Extension", "name": "ipaddr"}, "n": {"type": "Long", "required": false}}}},
               "entityTypes": {"User": {"memberOfTypes": ["Group"], "shape": {"type": "Record", "attributes": {"boss": {"type": "Entity", "name": "User"}}}},
                               "Group": {}},
               "actions": {"view": {"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["User"], "context": {"type": "Ctx"}}},
                           "edit": {"memberOf": [{"id": "view"}]}}}}
            """);
        var store = EntityStore.FromJson("""[{"uid": {"type": "App::User", "id": "a"}, "attrs": {"boss": {"type": "App::User", "id": "b"}}, "parents": []}]""", schema);

        store.Find(EntityUid.Parse("App::User::\"a\""))!.Attributes.TryGetValue("boss", out var boss).ShouldBeTrue();
        boss.Kind.ShouldBe(ValueKind.Entity);
        store.Find(EntityUid.Parse("App::Action::\"edit\""))!.HasAncestor(EntityUid.Parse("App::Action::\"view\"")).ShouldBeTrue();
        EntityJson.ParseContext("""{"ip": "10.0.0.1"}""", schema, EntityUid.Parse("App::Action::\"view\"")).TryGetValue("ip", out var ip).ShouldBeTrue();
        ip.Kind.ShouldBe(ValueKind.IpAddr);
    }

    [Fact]
    public void Without_a_schema_an_unescaped_reference_is_a_record()
    {
        var value = EntityJson.ParseValue("""{"type": "User", "id": "a"}""");
        value.Kind.ShouldBe(ValueKind.Record);
    }

    [Fact]
    public void Values_write_back_to_the_same_json()
    {
        foreach (var json in new[]
        {
            """{"__entity":{"type":"User","id":"a"}}""",
            """[1,"x",true]""",
            """{"a":{"b":-3}}""",
            """{"__extn":{"fn":"ip","arg":"10.0.0.0/8"}}""",
            """{"__extn":{"fn":"decimal","arg":"1.2500"}}""",
            """{"__extn":{"fn":"duration","arg":"-90000ms"}}""",
            """{"__extn":{"fn":"datetime","arg":"2024-01-01T00:00:00.000Z"}}""",
            """{"__extn":{"fn":"offset","args":[{"__extn":{"fn":"datetime","arg":"1970-01-01T00:00:00.000Z"}},{"__extn":{"fn":"duration","arg":"-9223372036854775808ms"}}]}}""",
        })
        {
            EntityJson.ToJson(EntityJson.ParseValue(json)).ShouldBe(json);
        }
        var datetime = EntityJson.ParseValue("""{"__extn":{"fn":"datetime","arg":"2024-01-01T00:00:00.000Z"}}""");
        EntityJson.ParseValue(EntityJson.ToJson(datetime)).ShouldBe(datetime);
    }

    [Fact]
    public void Hierarchies_with_cycles_do_not_hang()
    {
        var store = EntityStore.FromJson("""
            [{"uid": {"type": "G", "id": "a"}, "parents": [{"type": "G", "id": "b"}]},
             {"uid": {"type": "G", "id": "b"}, "parents": [{"type": "G", "id": "a"}]}]
            """);
        store.Find(EntityUid.Parse("G::\"a\""))!.HasAncestor(EntityUid.Parse("G::\"b\"")).ShouldBeTrue();
    }
}
