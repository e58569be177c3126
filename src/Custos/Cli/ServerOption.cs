using System.CommandLine;

namespace Custos.Cli;

/// <summary>The <c>--server URL</c> option of every command that talks to a running server.</summary>
internal static class ServerOption
{
    public static Option<Uri> Create(string description, Uri? defaultValue = null)
    {
        var option = new Option<Uri>("--server")
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens is [var token] ? token.Value : "";
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                {
                    return uri;
                }
                result.AddError($"--server must be an http:// or https:// URL, not '{text}'.");
                return null;
            },
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }
        return option;
    }
}
