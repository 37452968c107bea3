using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// The README's API section as a user runs it: every <c>```bash</c> block, in order, in one bash shell, against a fresh
/// dev host with the README's own settings. A request answered 4xx or 5xx stops the run and fails the test.
/// </summary>
public sealed partial class ReadmeWalkthroughTests(ReadmeWalkthroughTests.ReadmeHost host) : IClassFixture<ReadmeWalkthroughTests.ReadmeHost>
{
    /// <summary>A dev host as the README starts it: the development principal, and the README's local Messenger settings.</summary>
    public sealed class ReadmeHost : DevHostUnderTest
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["Cosmos:Database"] = "readme",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Messenger:AppSecret"] = "local-app-secret",
            ["Messenger:VerifyToken"] = "local-verify-token",
        };

        protected override void ConfigureServices(IServiceCollection services)
        {
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "InboxServerless.sln"))) dir = dir.Parent;
        return dir.FullName;
    }

    /// <summary>The <c>```bash</c> blocks between "## The API" and the next top-level section, in order.</summary>
    public static IReadOnlyList<string> ApiExamples(string readme)
    {
        var start = readme.IndexOf("\n## The API\n", StringComparison.Ordinal);
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return [.. BashBlock().Matches(readme[start..end]).Select(m => m.Groups["code"].Value)];
    }

    [GeneratedRegex(@"^```bash\n(?<code>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [Fact]
    public async Task Every_example_of_the_API_section_works_when_run_top_to_bottom()
    {
        var blocks = ApiExamples(await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "README.md")));
        Assert.True(blocks.Count >= 7, $"Only {blocks.Count} bash blocks found in the API section.");

        var script = new StringBuilder("""
            set -euo pipefail
            set -x
            # As a user's shell, but a request answered 4xx or 5xx stops the walk-through.
            curl() { command curl --fail-with-body --max-time 30 "$@"; }

            """);
        foreach (var block in blocks) script.Append(block).Append('\n');
        var (exit, output) = await RunBash(script.ToString().Replace("localhost:7071", $"{host.BaseAddress.Host}:{host.BaseAddress.Port}"));

        Assert.True(exit == 0, $"The walk-through stopped (exit {exit}); its last lines:\n{string.Join('\n', output.Split('\n').TakeLast(40))}");

        // What it did is there, as the README says.
        using var admin = host.WithPrincipal(null);
        var inboxes = await (await admin.GetAsync("api/inboxes").Expect(HttpStatusCode.OK)).Body();
        Assert.Equal(["Customer support", "Help desk"], inboxes["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).Order());
        var support = inboxes["items"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "Customer support")!;
        Assert.Equal(["chat", "email", "email", "messenger"], support["channels"]!.AsArray().Select(c => c!["settings"]!["kind"]!.GetValue<string>()).Order());
        // The Office 365 address was proven by its grant (the dev host's fake Graph), the forwarding address by its verification message.
        var addresses = support["channels"]!.AsArray().Where(c => c!["settings"]!["kind"]!.GetValue<string>() == "email")
            .ToDictionary(c => c!["settings"]!["provider"]!.GetValue<string>(), c => c!["ownership"]!["state"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { ["office365"] = "proven", ["forwarding"] = "proven" }, addresses);
        // The page was named, never proven: pending, so the webhook's message for it started nothing.
        var page = support["channels"]!.AsArray().Single(c => c!["settings"]!["kind"]!.GetValue<string>() == "messenger")!;
        Assert.Equal("pending", page["ownership"]!["state"]!.GetValue<string>());
        var conversations = await (await admin.GetAsync($"api/inboxes/{support["id"]}/conversations").Expect(HttpStatusCode.OK)).Body();
        var conversation = Assert.Single(conversations["items"]!.AsArray())!; // the forwarded e-mail's, its reply joined
        var messages = await (await admin.GetAsync($"api/inboxes/{support["id"]}/conversations/{conversation["id"]}").Expect(HttpStatusCode.OK)).Body();
        Assert.Equal(["<order-4711@customer.test>", "<order-4711-2@customer.test>"],
            messages["messages"]!.AsArray().Select(m => m!["externalId"]!.GetValue<string>()));
        Assert.Equal("email", conversation["channelKind"]!.GetValue<string>());
        Assert.Equal("open", conversation["status"]!.GetValue<string>());
        Assert.Null(conversation["assigneeId"]);
        Assert.NotNull(conversation["ticketId"]);
    }

    private static async Task<(int Exit, string Output)> RunBash(string script)
    {
        var file = Path.Combine(Path.GetTempPath(), $"readme-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(file, script);
        try
        {
            using var bash = Process.Start(new ProcessStartInfo("bash", [file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            })!;
            var output = new StringBuilder();
            bash.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            bash.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            bash.BeginOutputReadLine();
            bash.BeginErrorReadLine();
            bash.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try
            {
                await bash.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                bash.Kill(entireProcessTree: true);
                lock (output) output.AppendLine("(timed out after 3 minutes)");
                return (-1, output.ToString());
            }

            bash.WaitForExit(); // the output's last lines
            lock (output) return (bash.ExitCode, output.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
