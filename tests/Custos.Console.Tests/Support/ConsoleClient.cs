using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Custos.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Custos.WebConsole.Tests.Support;

/// <summary>
/// A browser without a browser: plain HTTP with a cookie jar, no redirects followed, pages parsed
/// with AngleSharp, forms posted with the anti-forgery token the page carried (or without it).
/// </summary>
public sealed class ConsoleClient : IDisposable
{
    private static readonly HtmlParser Parser = new();

    private readonly CookieContainer _cookies = new();

    private ConsoleClient(HttpClient client) => Http = client;

    public HttpClient Http { get; }

    /// <summary>The cookies the server set, as a browser would send them back to <paramref name="path"/>.</summary>
    public string Cookies(string path = "/console/") => _cookies.GetCookieHeader(new Uri(Http.BaseAddress!, path));

    public static ConsoleClient Anonymous(CustosApp app, bool https = false) =>
        new(app.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = false,
            BaseAddress = new Uri(https ? "https://localhost" : "http://localhost"),
        }));

    /// <summary>Signed in through the sign-in form, as a person would.</summary>
    public static async Task<ConsoleClient> SignedInAsync(CustosApp app, string identity, string? location = "US", bool https = false)
    {
        var client = Anonymous(app, https);
        using var response = await client.PostFormAsync("/console/sign-in", "/console/sign-in", new() { ["token"] = app.Token(identity, location) });
        ((int)response.StatusCode).ShouldBe(303, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return client;
    }

    public async Task<(int Status, IHtmlDocument Page, HttpResponseMessage Response)> GetAsync(string path)
    {
        var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative)));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, Parser.ParseDocument(html), response);
    }

    /// <summary>Posts to <paramref name="action"/> the fields given, with the anti-forgery token of a form on <paramref name="page"/> (when it is given).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string? page, string action, Dictionary<string, string> fields)
    {
        var form = new List<KeyValuePair<string, string>>(fields);
        if (page is not null)
        {
            var (_, document, response) = await GetAsync(page);
            response.Dispose();
            var token = document.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value");
            token.ShouldNotBeNull($"{page} carries no anti-forgery token");
            form.Add(new("__RequestVerificationToken", token));
        }
        return await SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(action, UriKind.Relative)) { Content = new FormUrlEncodedContent(form) });
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var uri = new Uri(Http.BaseAddress!, request.RequestUri!);
            if (_cookies.GetCookieHeader(uri) is { Length: > 0 } cookies)
            {
                request.Headers.Add("Cookie", cookies);
            }
            var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                foreach (var cookie in set)
                {
                    _cookies.SetCookies(uri, cookie);
                }
            }
            return response;
        }
    }

    public void Dispose() => Http.Dispose();
}
