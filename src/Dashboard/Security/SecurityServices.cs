using Bufferscope.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;

namespace Bufferscope.Dashboard.Security;

/// <summary>
/// Web security as a notebook server does it, in one place. Every request passes, in this order:
/// the Host check (DNS rebinding), the Origin check (other sites' pages), CORS only for the
/// configured origins, the token sign-in (<c>?token=</c>), then authentication (a ticket cookie,
/// a bearer token or ticket, or, with RequireToken=false, loopback) and a fallback policy that
/// lets in only authenticated clients everywhere but <c>/healthz</c> and the root static files.
/// </summary>
public static class SecurityServices
{
    public const string PolicyScheme = "Bufferscope";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookiePrefix = "bufferscope_ticket";

    public static void AddBufferscopeSecurity(this WebApplicationBuilder builder, BufferscopeOptions options)
    {
        var urls = ConfiguredUrls(builder.Configuration);
        if (!options.RequireToken && urls.FirstOrDefault(u => !BindingAddress.IsLoopback(u)) is { } exposed)
            throw new ConfigurationRefusedException(
                $"Bufferscope:RequireToken=false is allowed only on a loopback address, and the server is to listen on {exposed}. " +
                "Keep the token (the default), or listen on http://127.0.0.1:<port>.");
        var token = AccessToken.From(options);
        var services = builder.Services;
        services.AddSingleton(token);
        services.AddSingleton<HostCheck>();
        services.AddSingleton<OriginCheck>();
        services.AddSingleton<TokenSignIn>();
        services.AddSingleton(TimeProvider.System);

        // Tickets are signed with keys kept in the data directory, so a restart keeps browsers
        // signed in; deleting keys/ signs everybody out. 0700, as a notebook server keeps its cookie secret.
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(options.DataDirectoryPath, ownerOnly);
        var keys = Directory.CreateDirectory(Path.Combine(options.DataDirectoryPath, "keys"), ownerOnly);
        keys.UnixFileMode = ownerOnly;
        services.AddDataProtection().SetApplicationName("Bufferscope").PersistKeysToFileSystem(keys);

        // Cookies are not kept apart by port: name ours after it, so two servers on one host do not overwrite each other's.
        var port = urls.Select(u => Uri.TryCreate(u.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri.Port : -1).FirstOrDefault(p => p > 0);
        var requireToken = options.RequireToken;
        services.AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, "token, ticket or loopback", o =>
            {
                o.ForwardDefaultSelector = context =>
                    TokenAuthenticationHandler.Presented(context.Request) is not null ? TokenAuthenticationHandler.SchemeName
                    : !requireToken ? LoopbackAuthenticationHandler.SchemeName
                    : CookieScheme;
                // Every refusal is answered the same way, whichever scheme looked: see SignInPage.
                o.ForwardChallenge = TokenAuthenticationHandler.SchemeName;
                o.ForwardForbid = TokenAuthenticationHandler.SchemeName;
            })
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = port > 0 ? $"{CookiePrefix}_{port}" : CookiePrefix;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                // Cookies are not kept apart by port: a ticket a local server on another port could
                // collect is worth little for long. A week, renewed while used.
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
            })
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, LoopbackAuthenticationHandler>(LoopbackAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder(PolicyScheme).RequireAuthenticatedUser().Build());
        if (options.AllowedOrigins.Length > 0)
            services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(options.AllowedOrigins).AllowAnyHeader().AllowAnyMethod().AllowCredentials()));
    }

    /// <summary>The checks that come before anything is served (static files included).</summary>
    public static void UseRequestChecks(this WebApplication app)
    {
        var hosts = app.Services.GetRequiredService<HostCheck>();
        var origins = app.Services.GetRequiredService<OriginCheck>();
        app.Use((context, next) => hosts.InvokeAsync(context, _ => next()));
        app.Use((context, next) => origins.InvokeAsync(context, _ => next()));
        if (app.Services.GetRequiredService<BufferscopeOptions>().AllowedOrigins.Length > 0)
            app.UseCors();
    }

    /// <summary>Sign-in, authentication and authorization: after routing, before the endpoints.</summary>
    public static void UseSignIn(this WebApplication app)
    {
        var signIn = app.Services.GetRequiredService<TokenSignIn>();
        app.UseAuthentication();
        app.Use((context, next) => signIn.InvokeAsync(context, _ => next()));
        app.UseAuthorization();
        if (!app.Services.GetRequiredService<BufferscopeOptions>().RequireToken)
            app.Logger.LogWarning("Bufferscope:RequireToken is false: anyone who can reach 127.0.0.1 on this machine (every local user, and any program they run) can run code as {User}", Environment.UserName);
    }

    /// <summary>
    /// The token under <paramref name="prefix"/> even for endpoints a package maps as anonymous
    /// (Scalar's script and icon): after authentication, so that the rule stays "every path but
    /// /healthz and the root static files needs the token", and a refusal reads as every other one.
    /// </summary>
    public static void RequireTokenUnder(this WebApplication app, PathString prefix) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(prefix) && context.User.Identity?.IsAuthenticated != true)
            {
                await SignInPage.RefuseAsync(context, null);
                return;
            }
            await next(context);
        });

    /// <summary>Where Kestrel is told to listen: <c>urls</c> (--urls, ASPNETCORE_URLS, Urls) and Kestrel:Endpoints.</summary>
    public static IReadOnlyList<string> ConfiguredUrls(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        urls.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        return urls;
    }
}
