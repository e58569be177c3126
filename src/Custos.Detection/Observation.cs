using Custos.Formats;

namespace Custos.Detection;

/// <summary>
/// One access event with the facts of the world that every detector asks about, resolved once:
/// the reader's staff record, the subject's protected classes and zone, the categories' tiers,
/// and whether an open case of the reader names the subject.
/// </summary>
public sealed class Observation
{
    internal Observation(AccessEvent access, WorldIndex world, TimeSpan closedCaseGrace = default, PeerHabits? habits = null)
    {
        _habits = habits;
        Event = access;
        World = world;
        Reader = world.Staff(access.Reader);
        ProtectedClasses = world.ProtectedClasses(access.Subject);
        Employee = world.EmployeeOf(access.Subject);
        SubjectZone = world.SubjectZone(access.Subject);
        ReaderZone = world.ZoneOf(access.ReaderJurisdiction);
        Cover = world.Cover(access.Reader, access.Subject, access.Time, closedCaseGrace);
        PeerGroup = world.PeerGroup(access.Reader);
        SelfMadeCover = Cover is { } cover && cover.IsSelfMade(access.Reader);
        SelfMadeUnusual = SelfMadeCover && habits?.SelfMadeIsUnusual(PeerGroup) == true;

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
    }

    private readonly PeerHabits? _habits;

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
    /// The case that best explains the read: open, the reader its owner or a member, naming the
    /// subject (or closed within <see cref="DetectionOptions.ClosedCaseGrace"/>); null when none.
    /// </summary>
    public CaseCover? Cover { get; }

    /// <summary>Some case of the reader names the subject, whatever its provenance.</summary>
    public bool Covered => Cover is not null;

    /// <summary>The only case naming the subject is one the reader made themselves (no ticket, no queue).</summary>
    public bool SelfMadeCover { get; }

    /// <summary>
    /// …and the reader's peers seldom work under such cases (<see cref="PeerHabits"/>): the
    /// case is the odd one out, and explains nothing.
    /// </summary>
    public bool SelfMadeUnusual { get; }

    /// <summary>
    /// A case explains the read: it is covered (<see cref="Covered"/>), and not only by a
    /// self-made case of a kind the reader's peers seldom use. Detectors of patterns that a
    /// self-made case cannot excuse (returning to one person, colleagues, protected classes
    /// outside one's work) look at <see cref="SelfMadeCover"/> as well.
    /// </summary>
    public bool Explained => Covered && !SelfMadeUnusual;

    /// <summary>Whether the reader's peer group seldom touches <paramref name="class"/> (learned; false until it has history).</summary>
    public bool IsRareForPeers(string @class) => _habits?.IsRare(PeerGroup, ReaderId, @class) == true;

    /// <summary>
    /// How the read stands towards cases, for a reason: "with no open case naming them", or
    /// "under case:CS-88, which the reader opened 4 minutes before the read and which names only
    /// this person".
    /// </summary>
    public string CaseClause() => Cover is null ? "with no open case naming them" : $"under {CaseProvenance()}";

    /// <summary>
    /// The same for a finding about several reads, of which this is the last: "with no open case
    /// naming them", or "with no case naming them but ones they made themselves (the last
    /// case:CS-88, which …)".
    /// </summary>
    public string CasesClause() => Cover is null ? "with no open case naming them"
        : $"with no case naming them but ones they made themselves (the last {CaseProvenance()})";

    /// <summary>
    /// A case the reader made themselves names a subject of a protected class their peers seldom
    /// touch: a claim that their work reaches people it does not otherwise reach.
    /// </summary>
    public bool SelfMadeOutsidePeers()
    {
        if (!SelfMadeCover)
        {
            return false;
        }
        foreach (var @class in ProtectedClasses)
        {
            if (IsRareForPeers(@class))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Why the covering case explains little, in words: "case:CS-88, which the reader opened by
    /// hand 4 minutes before the read and which names only this person".
    /// </summary>
    public string CaseProvenance()
    {
        if (Cover is not { } c)
        {
            return "no case";
        }
        var opener = c.Opener == ReaderId ? "the reader" : c.Opener;
        var how = c.Source switch
        {
            CaseSource.Manual => " by hand",
            CaseSource.Ticket => " from a ticket",
            CaseSource.Queue => " from a queue",
            _ => "",
        };
        var names = c.SubjectCount == 1 ? "names only this person" : $"names {c.SubjectCount} people";
        var closes = c.Closed is { } closed && closed >= Time && closed - Time < (_habits?.Options.JustInTime ?? TimeSpan.FromHours(1))
            ? $", closing {Words.Duration(closed - Time)} after it" : "";
        var unusual = SelfMadeUnusual ? ", unlike the cases their peers work from tickets and queues" : "";
        return $"{c.Id}, which {opener} opened{how} {Words.Duration(Time - c.Opened)} before the read and which {names}{closes}{unusual}";
    }

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

internal static class Words
{
    /// <summary>A span as people say it: "4 minutes", "3 hours", "2 days".</summary>
    public static string Duration(TimeSpan span) =>
        span.TotalMinutes < 1 ? "under a minute"
        : span.TotalHours < 2 ? Plural((int)span.TotalMinutes, "minute")
        : span.TotalDays < 2 ? Plural((int)span.TotalHours, "hour")
        : Plural((int)span.TotalDays, "day");

    private static string Plural(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
