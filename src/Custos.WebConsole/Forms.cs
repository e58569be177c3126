using System.Xml;
using Custos.Access.Workflow;
using Microsoft.AspNetCore.Http;

namespace Custos.WebConsole;

/// <summary>What the request form holds, as posted: kept as typed so that a refused form comes back filled in.</summary>
public sealed record AskForm(string Subjects, IReadOnlyList<string> Categories, string Purpose, string Case, string Duration, string Justification)
{
    public static readonly AskForm Empty = new("", [], "", "", "PT8H", "");

    /// <summary>The durations offered, as ISO 8601 durations (the form's values) and in words.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Durations =
        [("PT1H", "1 hour"), ("PT4H", "4 hours"), ("PT8H", "8 hours"), ("P1D", "1 day"), ("P7D", "7 days")];

    public static AskForm From(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return new(form["subjects"].ToString(), [.. form["categories"].Where(c => !string.IsNullOrEmpty(c)).Select(c => c!)],
            form["purpose"].ToString(), form["case"].ToString(), form["duration"].ToString(), form["justification"].ToString());
    }

    /// <summary>The workflow's own ask; the workflow checks every field and says what is wrong.</summary>
    public WorkflowService.Ask ToAsk()
    {
        var subjects = Subjects.Split([' ', ',', ';', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        TimeSpan? duration = null;
        if (Duration.Length > 0)
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(Duration);
            }
            catch (FormatException)
            {
                throw WorkflowException.Invalid("duration", $"'{Duration}' is not one of the durations offered");
            }
        }
        return new(subjects, Categories, Nullable(Purpose), Nullable(Case), Nullable(Justification), duration);
    }

    private static string? Nullable(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>The workflow's refusals in words for a page, and the status each answers with (as the API's).</summary>
public static class Refusals
{
    public static string Describe(WorkflowException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = e.Reasons.Count > 0 ? $"{e.Message}: {string.Join("; ", e.Reasons)}" : e.Message;
        return e.Field is { Length: > 0 } field ? $"{char.ToUpperInvariant(field[0])}{field[1..]}: {message}" : message;
    }

    public static int Status(WorkflowException e) => e?.Kind switch
    {
        WorkflowErrorKind.Invalid => StatusCodes.Status422UnprocessableEntity,
        WorkflowErrorKind.NotFound => StatusCodes.Status404NotFound,
        WorkflowErrorKind.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status403Forbidden,
    };
}
