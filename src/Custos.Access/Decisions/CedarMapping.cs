using Custos.Access.Domain;
using Custos.Cedar;
using Custos.Cedar.Entities;
using Custos.Cedar.Evaluation;
using Custos.Formats;

namespace Custos.Access.Decisions;

/// <summary>
/// The world as Cedar entities, exactly as <c>samples/incident/custos.cedarschema</c> declares
/// them. Built once per world and shared by every decision until the world changes.
/// </summary>
public static class CedarMapping
{
    public static readonly EntityType StaffType = EntityType.Of("Staff");
    public static readonly EntityType UserType = EntityType.Of("User");
    public static readonly EntityType DepartmentType = EntityType.Of("Department");
    public static readonly EntityType ZoneType = EntityType.Of("Zone");
    public static readonly EntityType CategoryType = EntityType.Of("Category");
    public static readonly EntityType PurposeType = EntityType.Of("Purpose");
    public static readonly EntityType CaseType = EntityType.Of("Case");

    public static readonly EntityUid Read = new(EntityType.Of("Action"), "read");

    /// <summary>Reading unmasked; a member of <see cref="Read"/>, so rules on reading cover it.</summary>
    public static readonly EntityUid ReadRaw = new(EntityType.Of("Action"), "read-raw");

    /// <summary>May the principal approve the resource's access request?</summary>
    public static readonly EntityUid Approve = new(EntityType.Of("Action"), "approve");

    /// <summary>Do the approvals given grant the request?</summary>
    public static readonly EntityUid GrantAction = new(EntityType.Of("Action"), "grant");

    public static EntityUid Staff(string id) => new(StaffType, id);

    public static EntityUid User(string id) => new(UserType, id);

    public static EntityUid Department(string id) => new(DepartmentType, id);

    public static EntityUid Zone(string id) => new(ZoneType, id);

    public static EntityUid Category(string id) => new(CategoryType, id);

    public static EntityUid Purpose(string id) => new(PurposeType, id);

    public static EntityUid Case(string id) => new(CaseType, id);

    public static Value Time(DateTimeOffset time) => Value.FromDatetime(time.ToUnixTimeMilliseconds());

    public static EntityStore Entities(AccessDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var world = directory.World;
        var entities = new List<Entity>
        {
            new(Read),
            new(ReadRaw, parents: [Read]),
            new(Approve),
            new(GrantAction),
        };

        foreach (var department in world.Departments)
        {
            var attributes = new List<KeyValuePair<string, Value>>();
            if (department.Name is { } name)
            {
                attributes.Add(new("name", Value.FromString(name)));
            }
            entities.Add(new Entity(Department(department.Id), RecordValue.Create(attributes),
                department.Parent is { } parent ? [Department(parent)] : null));
        }

        foreach (var member in world.Staff)
        {
            var attributes = new List<KeyValuePair<string, Value>>
            {
                new("department", Value.FromEntity(Department(member.Department))),
                new("roles", Strings(member.Roles)),
                new("jurisdiction", Value.FromString(member.Jurisdiction)),
                new("active", Value.FromBool(member.Active)),
                new("managers", Value.FromSet(directory.ManagementChain(member.Id).Select(m => Value.FromEntity(Staff(m.Id))))),
            };
            if (member.Account is { } account)
            {
                attributes.Add(new("account", Value.FromEntity(User(account))));
            }
            if (member.Manager is { } manager)
            {
                attributes.Add(new("manager", Value.FromEntity(Staff(manager))));
            }
            entities.Add(new Entity(Staff(member.Id), RecordValue.Create(attributes), [Department(member.Department)]));
        }

        foreach (var zone in world.Residency)
        {
            entities.Add(new Entity(Zone(zone.Zone), RecordValue.Create([new("jurisdictions", Strings(zone.Jurisdictions))])));
        }

        foreach (var subject in directory.Subjects)
        {
            var attributes = new List<KeyValuePair<string, Value>>
            {
                new("jurisdiction", Value.FromString(subject.Jurisdiction)),
                new("protected", Strings(subject.Protected)),
            };
            if (directory.ZoneOf(subject.Jurisdiction) is { } zone)
            {
                attributes.Add(new("zone", Value.FromEntity(Zone(zone.Zone))));
            }
            if (directory.StaffOwning(subject.Id) is { } owner)
            {
                attributes.Add(new("staff", Value.FromEntity(Staff(owner.Id))));
            }
            entities.Add(new Entity(User(subject.Id), RecordValue.Create(attributes)));
        }

        foreach (var category in world.Categories)
        {
            entities.Add(new Entity(Category(category.Id), RecordValue.Create(
            [
                new("tier", Value.FromLong(category.Tier)),
                new("mask", Value.FromString(MaskName(category.Mask))),
            ])));
        }

        foreach (var purpose in world.Purposes)
        {
            entities.Add(new Entity(Purpose(purpose.Id), RecordValue.Create(
            [
                new("categories", Value.FromSet(purpose.Categories.Select(c => Value.FromEntity(Category(c))))),
                new("raw", Value.FromSet(purpose.Raw.Select(c => Value.FromEntity(Category(c))))),
            ])));
        }

        foreach (var @case in world.Cases)
        {
            var attributes = new List<KeyValuePair<string, Value>>
            {
                new("purpose", Value.FromEntity(Purpose(@case.Purpose))),
                new("owner", Value.FromEntity(Staff(@case.Owner))),
                new("members", Value.FromSet(@case.Members.Select(m => Value.FromEntity(Staff(m))))),
                new("subjects", Value.FromSet(@case.Subjects.Select(s => Value.FromEntity(User(s))))),
                new("opened", Time(@case.Opened)),
            };
            if (@case.Closed is { } closed)
            {
                attributes.Add(new("closed", Time(closed)));
            }
            entities.Add(new Entity(Case(@case.Id), RecordValue.Create(attributes)));
        }

        return new EntityStore(entities);
    }

    /// <summary>A mask as the world and the policies write it ("ip-prefix").</summary>
    public static string MaskName(MaskKind mask) => mask switch
    {
        MaskKind.IpPrefix => "ip-prefix",
        _ => mask.ToString().ToLowerInvariant(),
    };

    private static Value Strings(IEnumerable<string> values) => Value.FromSet(values.Select(Value.FromString));
}
