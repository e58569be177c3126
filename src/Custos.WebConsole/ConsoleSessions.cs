using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Custos.WebConsole;

/// <summary>
/// Signed-in browsers. The cookie holds a random session id and nothing else; the token the
/// person signed in with stays on the server, so it never reaches a URL, a log or script, and
/// signing out ends the session for good (a copied cookie is worth nothing afterwards).
/// </summary>
/// <remarks>
/// Each request of a session is authenticated as if it carried its token as a bearer token
/// (<see cref="ConsoleMiddleware"/>): the same validation, expiry and <c>Caller</c> as the API,
/// never a second, weaker path. Sessions live in this node's memory: a restart signs everyone
/// out, and several nodes behind one address need sticky sessions.
/// </remarks>
public sealed class ConsoleSessions(TimeProvider time)
{
    public const string CookieName = "custos-console";

    /// <summary>A session outlives no token, and no session outlives this, whatever its token says.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(12);

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Ends)> _sessions = new(StringComparer.Ordinal);

    /// <summary>Starts a session for <paramref name="token"/> and sets its cookie on the response.</summary>
    public void Start(HttpContext http, string token)
    {
        ArgumentNullException.ThrowIfNull(http);
        End(http);
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _sessions[id] = (token, time.GetUtcNow() + MaxLifetime);
        http.Response.Cookies.Append(CookieName, id, Cookie(http));
        Sweep();
    }

    /// <summary>The token of the request's session, if it has a live one.</summary>
    public string? TokenOf(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.Cookies[CookieName] is not { Length: > 0 } id || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }
        if (session.Ends <= time.GetUtcNow())
        {
            _sessions.TryRemove(id, out _);
            return null;
        }
        return session.Token;
    }

    /// <summary>Ends the request's session, if any, and clears its cookie.</summary>
    public void End(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.Cookies[CookieName] is { Length: > 0 } id)
        {
            _sessions.TryRemove(id, out _);
            http.Response.Cookies.Delete(CookieName, Cookie(http));
        }
    }

    /// <summary>Strict same-site, out of script's reach, only over https when served over https, and only under /console.</summary>
    private static CookieOptions Cookie(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = ConsoleMiddleware.Prefix,
        IsEssential = true,
    };

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (id, session) in _sessions)
        {
            if (session.Ends <= now)
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }
}
