using System.Globalization;
using System.Text;
using Custos.Cedar.Entities;
using Custos.Cedar.Evaluation;
using Custos.Cedar.Extensions;

namespace Custos.Cedar.Benchmarks;

/// <summary>
/// The benchmark's world: the governance policy set (governance.cedar, 34 policies) over
/// 10,000 entities made deterministically (seeded): a department tree, roles, staff,
/// platform users ("subjects"), cohorts, cases, and the action hierarchy; plus a spread of
/// requests, most of which reach deep into the policies' conditions.
/// </summary>
public sealed class GovernanceWorld
{
    public const int EntityCount = 10_000;

    private static readonly string[] Jurisdictions = ["EU", "US", "UK", "BR", "IN", "JP"];
    private static readonly string[] Purposes = ["support", "abuse", "fraud", "safety", "debugging", "legal_hold", "incident", "subject_access_request"];
    private static readonly string[] ProtectedClasses = ["journalist", "public_figure", "minor", "employee"];
    private static readonly string[] RoleNames = ["support", "trust_safety", "privacy_office", "legal", "engineer", "auditor", "approver", "incident_commander"];
    private static readonly Dictionary<string, string> RolePurposes = new()
    {
        ["support"] = "support",
        ["trust_safety"] = "abuse",
        ["engineer"] = "debugging",
        ["legal"] = "legal_hold",
        ["incident_commander"] = "incident",
        ["privacy_office"] = "subject_access_request",
    };

    private static readonly Dictionary<string, string[]> RoleActions = new()
    {
        ["support"] = ["read_profile", "read_contact"],
        ["trust_safety"] = ["read_ip", "read_messages", "read_profile"],
        ["engineer"] = ["read_profile"],
        ["legal"] = ["read_messages"],
        ["incident_commander"] = ["read_location", "read_profile"],
    };

    private static readonly string[] ReadActions = ["read_profile", "read_contact", "read_ip", "read_location", "read_messages"];

    public GovernanceWorld(int requestCount = 1_024, int seed = 42)
    {
        var random = new Random(seed);
        var json = new StringBuilder("[");
        var count = 0;
        void Entity(string type, string id, string attrs, params string[] parents)
        {
            if (count++ > 0)
            {
                json.Append(',');
            }
            json.Append(CultureInfo.InvariantCulture, $"{{\"uid\":{{\"type\":\"{type}\",\"id\":\"{id}\"}},\"attrs\":{{{attrs}}},\"parents\":[")
                .AppendJoin(',', parents.Select(p => $"{{\"type\":\"{p.Split(':')[0]}\",\"id\":\"{p.Split(':')[1]}\"}}"))
                .Append("]}");
        }
        string Uid(string type, string id) => $"{{\"__entity\":{{\"type\":\"{type}\",\"id\":\"{id}\"}}}}";
        string Datetime(DateTime at) => $"{{\"__extn\":{{\"fn\":\"datetime\",\"arg\":\"{at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}\"}}}}";
        string Strings(IEnumerable<string> values) => "[" + string.Join(',', values.Select(v => $"\"{v}\"")) + "]";

        // Actions and their groups.
        Entity("Action", "read", "");
        Entity("Action", "sensitive_read", "", "Action:read");
        Entity("Action", "read_profile", "", "Action:read");
        Entity("Action", "read_contact", "", "Action:read");
        foreach (var action in new[] { "read_ip", "read_location", "read_messages" })
        {
            Entity("Action", action, "", "Action:sensitive_read");
        }
        foreach (var action in new[] { "export", "approve", "read_ledger", "verify_ledger", "read_alert", "read_access_report" })
        {
            Entity("Action", action, "");
        }
        foreach (var role in RoleNames)
        {
            Entity("Role", role, "");
        }
        // Departments: company > 8 divisions > 16 departments each, plus special ones.
        Entity("Department", "company", "");
        foreach (var special in new[] { "trust_safety", "oversight", "contractors", "dissolved" })
        {
            Entity("Department", special, "", "Department:company");
        }
        var departments = new List<string>();
        for (var division = 0; division < 8; division++)
        {
            Entity("Department", $"div{division}", "", "Department:company");
            for (var d = 0; d < 16; d++)
            {
                var id = $"dep{division}-{d}";
                Entity("Department", id, "", $"Department:div{division}", division == 0 && d < 4 ? "Department:trust_safety" : "Department:company");
                departments.Add(id);
            }
        }
        Entity("Cohort", "beta", "");
        Entity("Cohort", "alpha", "");
        Entity("Ledger", "main", "");

        const int staffCount = 2_000, caseCount = 800;
        var subjectCount = EntityCount - count - staffCount - caseCount - 20;
        Subjects = Enumerable.Range(0, subjectCount).Select(i => $"u{i}").ToArray();
        Staff = Enumerable.Range(0, staffCount).Select(i => $"s{i}").ToArray();
        Cases = Enumerable.Range(0, caseCount).Select(i => $"c{i}").ToArray();

        for (var i = 0; i < subjectCount; i++)
        {
            var classes = random.Next(10) == 0 ? new[] { ProtectedClasses[random.Next(ProtectedClasses.Length)] } : [];
            var suspended = random.Next(20) == 0 ? $",\"suspendedUntil\":{Datetime(new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc))}" : "";
            Entity("Subject", Subjects[i],
                $"\"jurisdiction\":\"{Jurisdictions[random.Next(Jurisdictions.Length)]}\",\"protectedClasses\":{Strings(classes)},"
                + $"\"isEmployee\":{(random.Next(50) == 0 ? "true" : "false")},\"sensitivity\":{random.Next(1, 4)},"
                + $"\"approvers\":[{Uid("Staff", Staff[random.Next(staffCount)])}]{suspended}",
                random.Next(4) == 0 ? "Cohort:beta" : "Cohort:alpha");
        }
        for (var i = 0; i < staffCount; i++)
        {
            var department = random.Next(40) == 0 ? "contractors" : departments[random.Next(departments.Count)];
            var role = RoleNames[i % RoleNames.Length];
            var home = Jurisdictions[random.Next(Jurisdictions.Length)];
            // Most staff may read most jurisdictions; residency rules cut out the rest.
            var readable = new[] { home }.Concat(Jurisdictions.Where(_ => random.Next(4) != 0)).Distinct();
            var account = random.Next(10) == 0 ? $",\"account\":{Uid("Subject", Subjects[random.Next(subjectCount)])}" : "";
            Entity("Staff", Staff[i],
                $"\"department\":{Uid("Department", department)},\"status\":\"{(random.Next(100) == 0 ? "terminated" : "active")}\","
                + $"\"readableJurisdictions\":{Strings(readable)},\"clearance\":{random.Next(1, 4)},\"email\":\"{Staff[i]}@example.com\"{account}",
                $"Department:{department}", $"Role:{role}");
        }
        var opened = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < caseCount; i++)
        {
            var subjects = Enumerable.Range(0, random.Next(1, 6)).Select(_ => Uid("Subject", Subjects[random.Next(subjectCount)]));
            Entity("Case", Cases[i],
                $"\"subjects\":[{string.Join(',', subjects)}],\"status\":\"{(random.Next(10) == 0 ? "closed" : "open")}\","
                + $"\"owner\":{Uid("Staff", Staff[random.Next(staffCount)])},\"team\":{Uid("Department", departments[random.Next(departments.Count)])},"
                + $"\"opened\":{Datetime(opened.AddDays(random.Next(60)))},\"expires\":{Datetime(opened.AddDays(60 + random.Next(120)))}");
        }
        while (count < EntityCount)
        {
            Entity("Alert", $"a{count}", $"\"department\":{Uid("Department", departments[random.Next(departments.Count)])}");
        }
        json.Append(']');

        Policies = PolicySet.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "governance.cedar")));
        Entities = EntityStore.FromJson(json.ToString());
        Requests = Enumerable.Range(0, requestCount).Select(_ => MakeRequest(random)).ToArray();
    }

    public string[] Subjects { get; }

    public string[] Staff { get; }

    public string[] Cases { get; }

    public PolicySet Policies { get; }

    public EntityStore Entities { get; }

    public Request[] Requests { get; }

    private Request MakeRequest(Random random)
    {
        var caseId = Cases[random.Next(Cases.Length)];
        var caseEntity = Entities.Find(new EntityUid("Case", caseId))!;
        caseEntity.Attributes.TryGetValue("subjects", out var subjects);
        caseEntity.Attributes.TryGetValue("owner", out var owner);
        // Mostly requests a case would justify: the case's own subject, often by its owner.
        var subject = random.Next(4) == 0 ? new EntityUid("Subject", Subjects[random.Next(Subjects.Length)]) : subjects.AsSet.Elements[random.Next(subjects.AsSet.Count)].AsEntity;
        var principal = random.Next(2) == 0 ? owner.AsEntity : new EntityUid("Staff", Staff[random.Next(Staff.Length)]);
        // The action and the purpose usually fit the reader's role.
        var role = Entities.Find(principal)!.Parents.FirstOrDefault(p => p.Type.Name == "Role")?.Id;
        var actionName = random.Next(4) != 0 && role is not null && RoleActions.TryGetValue(role, out var actions)
            ? actions[random.Next(actions.Length)]
            : ReadActions[random.Next(ReadActions.Length)];
        var action = new EntityUid("Action", actionName);
        var purpose = random.Next(4) != 0 && role is not null && RolePurposes.TryGetValue(role, out var fitting) ? fitting : Purposes[random.Next(Purposes.Length)];
        var ip = random.Next(10) == 0 ? "203.0.113.7" : $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}";
        // Usually while the case is open.
        caseEntity.Attributes.TryGetValue("opened", out var caseOpened);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(caseOpened.AsFixed).UtcDateTime.AddMinutes(random.Next(60 * 24 * (random.Next(8) == 0 ? 200 : 55)));
        var approvals = random.Next(3) == 0 ? [Value.FromEntity(new EntityUid("Staff", Staff[random.Next(Staff.Length)]))] : Array.Empty<Value>();
        var context = RecordValue.Create(new Dictionary<string, Value>
        {
            ["purpose"] = Value.FromString(purpose),
            ["case"] = Value.FromEntity(new EntityUid("Case", caseId)),
            ["sourceIp"] = Value.FromIpAddress(IpAddress.Parse(ip)),
            ["mfa"] = Value.FromBool(random.Next(5) != 0),
            ["now"] = Value.FromDatetime(new DateTimeOffset(now).ToUnixTimeMilliseconds()),
            ["sessionStart"] = Value.FromDatetime(new DateTimeOffset(now.AddHours(-random.Next(14))).ToUnixTimeMilliseconds()),
            ["approvals"] = Value.FromSet(approvals),
            ["ticket"] = Value.FromString($"{(role == "legal" ? "LEGAL" : "SUP")}-{random.Next(100000)}-{random.Next(10)}"),
            ["incident"] = Value.FromString($"INC-{random.Next(1000)}"),
        });
        return new Request(principal, action, subject, context);
    }
}
