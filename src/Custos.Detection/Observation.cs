using Custos.Formats;

namespace Custos.Detection;

/// <summary>
/// One access event with the facts of the world that every detector asks about, resolved once:
/// the reader's staff record, the subject's protected classes and zone, the categories' tiers,
/// and whether an open case of the reader names the subject.
/// </summary>
public sealed class Observation
{
    internal Observation(AccessEvent access, WorldIndex world, TimeSpan closedCaseGrace = default)
    {
        Event = access;
        World = world;
        Reader = world.Staff(access.Reader);
        ProtectedClasses = world.ProtectedClasses(access.Subject);
        Employee = world.EmployeeOf(access.Subject);
        SubjectZone = world.SubjectZone(access.Subject);
        ReaderZone = world.ZoneOf(access.ReaderJurisdiction);
        Explained = world.IsExplained(access.Reader, access.Subject, access.Time, closedCaseGrace);

        var maxTier = 1;
        var location = false;
        string? highest = null;
        foreach (var id in access.Categories)
        {
            var category = world.Category(id);
            if (category.Tier > maxTier || highest is null)
            {
                maxTier = Math.Max(maxTier, category.Tier);
                highest = id;
            }
            location |= category.IsLocationGrade;
        }
        MaxTier = maxTier;
        HighestCategory = highest;
        ReadsLocation = location;
        PeerGroup = world.PeerGroup(access.Reader);
    }

    public AccessEvent Event { get; }

    /// <summary>
    /// The world the event is resolved against: the one the decision was made under. Detectors
    /// ask it, never one they hold, so that a running engine can follow a world change.
    /// </summary>
    public WorldIndex World { get; }

    public string Id => Event.Id;

    public DateTimeOffset Time => Event.Time;

    public string ReaderId => Event.Reader;

    public string SubjectId => Event.Subject;

    /// <summary>The reader's staff record; null for a reader the world does not know.</summary>
    public StaffMember? Reader { get; }

    public IReadOnlyList<string> ProtectedClasses { get; }

    public bool IsProtected => ProtectedClasses.Count > 0;

    /// <summary>The staff member whose own account the subject is, if it is one.</summary>
    public StaffMember? Employee { get; }

    public string? SubjectZone { get; }

    /// <summary>The zone the reader was in when reading (from <c>reader_jurisdiction</c>).</summary>
    public string? ReaderZone { get; }

    /// <summary>
    /// The read crosses residency: the subject's data is held to a zone and the reader was
    /// outside it (formats.md, <c>residency</c>).
    /// </summary>
    public bool CrossesResidency => SubjectZone is not null && SubjectZone != ReaderZone;

    /// <summary>
    /// An open case that the reader owns or is a member of names the subject (or one that
    /// closed within <see cref="DetectionOptions.ClosedCaseGrace"/>).
    /// </summary>
    public bool Explained { get; }

    public bool Allowed => Event.Outcome == Outcome.Allow;

    /// <summary>Highest sensitivity tier among the categories asked for (1 when none).</summary>
    public int MaxTier { get; }

    /// <summary>The category of the highest tier, for reasons; null when none was asked for.</summary>
    public string? HighestCategory { get; }

    /// <summary>Whether a location-grade category (IP address, coordinates) was asked for.</summary>
    public bool ReadsLocation { get; }

    /// <summary>The reader's peer group: department and roles.</summary>
    public string PeerGroup { get; }
}
