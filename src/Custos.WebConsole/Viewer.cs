using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.WebConsole;

/// <summary>
/// The signed-in person as the console's pages show them: who, and which of the console's pages
/// they may use. The executable resolves it (<see cref="IViewerResolver"/>) from the same powers
/// that guard the pages' routes, so that a page never offers a link its route would refuse.
/// </summary>
public sealed record Viewer(string Id, bool TakesPart, bool Triages, bool Revokes, bool Oversees, bool IsSubject)
{
    /// <summary>A person signed in but with no page to use (say, an inactive staff member).</summary>
    public bool MayDoNothing => !TakesPart && !Triages && !Revokes && !Oversees && !IsSubject;

    /// <summary>The request's viewer, or null when no one is signed in; resolved once per request.</summary>
    public static async Task<Viewer?> OfAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items.TryGetValue(typeof(Viewer), out var known))
        {
            return known as Viewer;
        }
        var viewer = await http.RequestServices.GetRequiredService<IViewerResolver>().ResolveAsync(http);
        http.Items[typeof(Viewer)] = viewer;
        return viewer;
    }

    /// <summary>Minimal APIs bind a <see cref="Viewer"/> parameter through this.</summary>
    public static async ValueTask<Viewer?> BindAsync(HttpContext http, ParameterInfo parameter) => await OfAsync(http);
}

/// <summary>Who the request's caller is and what they may do, as the server's authorization says.</summary>
public interface IViewerResolver
{
    Task<Viewer?> ResolveAsync(HttpContext http);
}
