using Custos.Oversight;
using Custos.WebConsole.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Custos.WebConsole;

/// <summary>
/// Oversight's alert queue and each alert with its evidence. The executable fetches them through
/// the alerts API's own handlers (the same visibility rules: only alerts routed to the officer's
/// queue that the officer stands outside of) and hands them here as lines to show.
/// </summary>
public static class AlertsView
{
    public const string Path = ConsoleMiddleware.Prefix + "/alerts";

    public static readonly IReadOnlyList<string> Severities = ["low", "medium", "high", "critical"];

    public static readonly IReadOnlyList<string> States = ["open", "closed", "merged"];

    /// <summary>The triage outcomes, as the API names them, and their buttons.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Outcomes = [("confirmed", "Confirmed"), ("benign", "Benign"), ("needs-info", "Needs info")];

    public sealed record Filter(string? State, string? Severity, string? Detector, string? Reader)
    {
        public static readonly Filter None = new(null, null, null, null);

        public static Filter From(IFormCollection form)
        {
            ArgumentNullException.ThrowIfNull(form);
            return new(Blank(form["state"]), Blank(form["severity"]), Blank(form["detector"]), Blank(form["reader"]));
        }

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>One ledger entry of an alert's evidence, and whether its inclusion proof checked out against the signed checkpoint.</summary>
    public sealed record EvidenceLine(long Index, string Entry, bool Verified);

    public sealed record ListModel(Viewer Viewer, IReadOnlyList<AlertBody> Alerts, Filter Filter);

    public sealed record DetailModel(Viewer Viewer, AlertBody Alert, IReadOnlyList<EvidenceLine> Evidence, SignedPoint Checkpoint, string? Error, string? Notice);

    public static RazorComponentResult List(Viewer viewer, IReadOnlyList<AlertBody> alerts, Filter filter) =>
        Page.Render<AlertsPage>(new { Model = new ListModel(viewer, alerts, filter) });

    public static RazorComponentResult Detail(DetailModel model, int status = StatusCodes.Status200OK) =>
        Page.Render<AlertPage>(new { Model = model }, status);

    /// <summary>Alerts per day over the days the list spans, for the chart.</summary>
    public static IReadOnlyList<(DateOnly Day, int Count)> PerDay(IReadOnlyList<AlertBody> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return [];
        }
        var counts = alerts.GroupBy(a => DateOnly.FromDateTime(a.RaisedAt.UtcDateTime)).ToDictionary(g => g.Key, g => g.Count());
        var first = counts.Keys.Min();
        var last = counts.Keys.Max();
        var days = new List<(DateOnly, int)>();
        for (var day = first; day <= last && days.Count < 90; day = day.AddDays(1))
        {
            days.Add((day, counts.GetValueOrDefault(day)));
        }
        return days;
    }
}
