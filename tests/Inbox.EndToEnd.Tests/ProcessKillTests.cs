using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using InboxServerless.DevHost;
using InboxServerless.Local;
using Xunit.Abstractions;

namespace InboxServerless.EndToEnd.Tests;

/// <summary>
/// Issue 7, the process killed during a burst and restarted: the dev host runs as a child process with a journaled
/// in-process queue (<c>DevHost:Queue:JournalPath</c>) over a Cosmos DB emulator this test owns, so only the host dies.
/// Signed Messenger batches are posted concurrently, the host is killed partway, started again on the same journal,
/// and every batch that was not answered 2xx is sent again, as Meta retries. Once the journal says the queue is drained,
/// every acknowledged event must be stored once: none lost, none duplicated (no message twice, no second conversation
/// for a sender). The burst is small because the dev host routes about one event a second on this machine's shared
/// cores (the Cosmos emulator, the in-memory Durable engine and the host on two loaded cores), far below what it accepts.
/// </summary>
public sealed class ProcessKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string AppSecret = "kill-test-app-secret";
    private const string VerifyToken = "kill-test-verify-token";
    private const string Webhook = "api/webhooks/messenger";

    private const int Senders = 12;
    private const int Events = 48;
    private const int EventsPerBatch = 2;
    private const int Concurrency = 8;

    // Killed once this many batches were acknowledged: events are queued and some are being routed.
    private const int AcknowledgedBeforeKill = 5;

    private static readonly TimeSpan RoutingPatience = TimeSpan.FromSeconds(120);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "inbox-kill-" + Guid.NewGuid().ToString("N"));
    private CosmosEmulator? emulator;
    private DevHostProcess? host;

    /// <summary>Meta's Graph API for the dev host process: its page is proven through it before the burst.</summary>
    private readonly FakeMetaServer meta = new(new FakeMeta());

    private string JournalPath => Path.Combine(folder, "queue.journal");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        emulator = await CosmosEmulator.Start();
    }

    public async Task DisposeAsync()
    {
        host?.Dispose();
        meta.Dispose();
        if (emulator is not null) await emulator.DisposeAsync();
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Killed_during_a_burst_and_restarted_every_acknowledged_event_is_stored_once()
    {
        host = await DevHostProcess.Start(emulator!, JournalPath, meta.BaseAddress);
        var (pageId, inboxId) = await PageInbox(host.Client);
        var batches = Burst(pageId);

        // The burst, killed partway. A webhook answers in milliseconds, faster than a kill lands, so the batches after the
        // first few in flight wait for the kill: those in flight race it, the rest find nobody listening.
        var acknowledged = new ConcurrentDictionary<int, bool>();
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstHost = host;
        await ForEachConcurrently(Enumerable.Range(0, batches.Count), async b =>
        {
            if (b >= AcknowledgedBeforeKill + Concurrency / 2) await killed.Task.WaitAsync(TimeSpan.FromSeconds(60));
            if (!await Post(firstHost.Client, batches[b].Body)) return;
            acknowledged[b] = true;
            if (acknowledged.Count >= AcknowledgedBeforeKill && !killed.Task.IsCompleted)
            {
                lock (killed)
                {
                    if (killed.Task.IsCompleted) return;
                    firstHost.Kill();
                    killed.SetResult();
                }
            }
        });
        firstHost.Dispose();
        var acknowledgedBeforeKill = acknowledged.Count;
        var heldAtKill = await Held(JournalPath);

        // Started again on the same journal; what was not acknowledged is sent again until it is.
        host = await DevHostProcess.Start(emulator!, JournalPath, meta.BaseAddress);
        var resent = Enumerable.Range(0, batches.Count).Where(b => !acknowledged.ContainsKey(b)).ToList();
        await ForEachConcurrently(resent, async b =>
        {
            for (var attempt = 1; !await Post(host.Client, batches[b].Body); attempt++)
            {
                Assert.True(attempt < 10, $"Batch {b} was refused {attempt} times after the restart.");
                await Task.Delay(200);
            }

            acknowledged[b] = true;
        });

        var sentIds = batches.SelectMany(b => b.ExternalIds).ToHashSet();
        var acknowledgedIds = acknowledged.Keys.SelectMany(b => batches[b].ExternalIds).ToHashSet();
        var routing = Stopwatch.StartNew();
        await WaitUntilDrained(JournalPath);
        var stored = await Read(host.Client, inboxId);

        var storedIds = stored.Messages.Where(sentIds.Contains).ToList();
        var duplicated = storedIds.Count - storedIds.Distinct().Count()
                         + stored.ConversationsBySender.Values.Sum(conversations => conversations - 1);
        var lost = acknowledgedIds.Count(id => !storedIds.Contains(id));
        var line = $"fault process-kill: sent {sentIds.Count}, acknowledged {acknowledgedIds.Count}, stored {storedIds.Distinct().Count()}, " +
                   $"duplicated {duplicated}, lost {lost}";
        output.WriteLine(line);
        output.WriteLine($"  killed with {acknowledgedBeforeKill} of {batches.Count} batches acknowledged and {heldAtKill} events not yet routed; " +
                         $"{resent.Count} batches sent again after the restart; drained {routing.Elapsed.TotalSeconds:0.0} s after the last resend");
        if (host.Output.Length > 0) output.WriteLine("  the dev host said:\n" + host.Output);
        Console.WriteLine(line);

        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
        Assert.Equal(sentIds.Count, acknowledgedIds.Count);
        var deadLetters = await (await host.Client.GetAsync("admin/dead-letters").Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync();
        Assert.Equal("[]", deadLetters.Trim());
    }

    private sealed record Batch(byte[] Body, IReadOnlyList<string> ExternalIds);

    /// <summary>
    /// <see cref="Events"/> text messages of <see cref="Senders"/> people in batches of <see cref="EventsPerBatch"/>, each
    /// person's in order across the batches, as Meta would deliver them.
    /// </summary>
    private static List<Batch> Burst(string pageId)
    {
        var psids = Enumerable.Range(0, Senders).Select(_ => Random.Shared.NextInt64(1_000_000_000_000_000, 9_999_999_999_999_999)).ToList();
        var start = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        var run = Guid.NewGuid().ToString("N")[..8];
        return [.. Enumerable.Range(0, Events / EventsPerBatch).Select(b =>
        {
            var items = Enumerable.Range(b * EventsPerBatch, EventsPerBatch).Select(n => (Mid: $"m_{run}_{n}", Psid: psids[n % Senders], At: start + n)).ToList();
            var messaging = string.Join(",", items.Select(i =>
                $$$"""{"sender":{"id":"{{{i.Psid}}}"},"recipient":{"id":"{{{pageId}}}"},"timestamp":{{{i.At}}},"message":{"mid":"{{{i.Mid}}}","text":"burst {{{i.Mid}}}"}}"""));
            var json = $$$"""{"object":"page","entry":[{"id":"{{{pageId}}}","time":{{{items[^1].At}}},"messaging":[{{{messaging}}}]}]}""";
            return new Batch(Encoding.ASCII.GetBytes(json), [.. items.Select(i => i.Mid)]);
        })];
    }

    /// <summary>A signed delivery as Meta posts it; true when it was answered 2xx (Meta's "acknowledged").</summary>
    private static async Task<bool> Post(HttpClient client, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256",
            "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(AppSecret), body)));
        try
        {
            using var response = await client.SendAsync(request);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false; // killed mid-request, or not listening: Meta would retry
        }
    }

    /// <summary>An inbox with a Messenger page whose conversations go to Alice (connecting it this way calls nobody).</summary>
    private static async Task<(string PageId, string InboxId)> PageInbox(HttpClient admin)
    {
        await admin.AddPeople("alice");
        return await admin.AddPageInbox("Burst", """{"assignment":{"mode":"specific","userIds":["alice"]}}""");
    }

    private sealed record Stored(IReadOnlyList<string> Messages, IReadOnlyDictionary<string, int> ConversationsBySender);

    /// <summary>
    /// Until the journal on disk has settled (handled or dead-lettered) every event it accepted: then the queue is empty
    /// and everything acknowledged was routed. Reading the file costs the busy host nothing.
    /// </summary>
    private static async Task WaitUntilDrained(string journalPath)
    {
        var deadline = Stopwatch.StartNew();
        int held;
        do
        {
            await Task.Delay(250);
            held = await Held(journalPath);
        } while (held > 0 && deadline.Elapsed < RoutingPatience);
    }

    private static async Task<int> Held(string journalPath)
    {
        // Shared with the host, which appends to it and renames a compacted copy over it.
        await using var file = new FileStream(journalPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var text = await new StreamReader(file).ReadToEndAsync();
        var accepted = new HashSet<long>();
        foreach (var line in text.Split('\n').SkipLast(1)) // the last piece is empty, or a line being written
        {
            var entry = JsonNode.Parse(line)!;
            if (entry["accepted"] is { } sequence) accepted.Add(sequence.GetValue<long>());
            else if ((entry["settled"] ?? entry["deadLettered"]) is { } done) accepted.Remove(done.GetValue<long>());
        }

        return accepted.Count;
    }

    private static async Task<Stored> Read(HttpClient client, string inboxId)
    {
        var messages = new List<string>();
        var conversationsBySender = new Dictionary<string, int>();
        string? continuation = null;
        do
        {
            var query = $"api/inboxes/{inboxId}/conversations?pageSize=100" +
                        (continuation is null ? "" : "&continuationToken=" + Uri.EscapeDataString(continuation));
            var page = await (await client.GetAsync(query).Expect(HttpStatusCode.OK)).Body();
            foreach (var conversation in page["items"]!.AsArray())
            {
                var senderId = conversation!["senderId"]!.GetValue<string>();
                conversationsBySender[senderId] = conversationsBySender.GetValueOrDefault(senderId) + 1;
                var detail = await (await client.GetAsync($"api/inboxes/{inboxId}/conversations/{conversation["id"]!.GetValue<string>()}")
                    .Expect(HttpStatusCode.OK)).Body();
                messages.AddRange(detail["messages"]!.AsArray().Select(m => m!["externalId"]?.GetValue<string>() ?? ""));
            }

            continuation = page["continuationToken"]?.GetValue<string>();
        } while (continuation is not null);

        return new Stored(messages, conversationsBySender);
    }

    private static Task ForEachConcurrently<T>(IEnumerable<T> items, Func<T, Task> action) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (item, _) => await action(item));

    /// <summary>
    /// The dev host as a child process (<c>dotnet Inbox.DevHost.dll</c>) on a free port, with a journaled queue, timers off
    /// and little logging; its output is kept for a failure's message. Killed with its whole tree on dispose.
    /// </summary>
    private sealed class DevHostProcess : IDisposable
    {
        private readonly Process process;
        private readonly ConcurrentQueue<string> log = new();

        private DevHostProcess(Process process, Uri address)
        {
            this.process = process;
            Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        }

        public HttpClient Client { get; }

        public string Output => string.Join("\n", log);

        public static async Task<DevHostProcess> Start(CosmosEmulator emulator, string journalPath, Uri graph)
        {
            var address = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
            var dotnet = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
            var start = new ProcessStartInfo(dotnet, [typeof(DevHostApp).Assembly.Location, "--urls", address.ToString().TrimEnd('/')])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment =
                {
                    ["Cosmos__ConnectionString"] = emulator.ConnectionString,
                    ["Cosmos__UseGateway"] = "true",
                    ["Cosmos__AcceptAnyServerCertificate"] = "true",
                    ["Cosmos__Database"] = "processKill",
                    ["DevHost__Timers__Enabled"] = "false",
                    ["DevHost__Queue__JournalPath"] = journalPath,
                    ["Messenger__AppId"] = "kill-app-id",
                    ["Messenger__GraphBaseUrl"] = graph.ToString(),
                    ["Messenger__AppSecret"] = AppSecret,
                    ["Messenger__VerifyToken"] = VerifyToken,
                    ["Logging__LogLevel__Default"] = "Warning",
                },
            };
            var host = new DevHostProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."), address);
            host.process.OutputDataReceived += (_, e) => host.Keep(e.Data);
            host.process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
            host.process.BeginOutputReadLine();
            host.process.BeginErrorReadLine();
            try
            {
                await host.WaitUntilServing();
                return host;
            }
            catch
            {
                host.Dispose();
                throw;
            }
        }

        public void Kill()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public void Dispose()
        {
            try
            {
                Kill();
            }
            catch (InvalidOperationException)
            {
                // Never started, or already gone.
            }

            process.Dispose();
            Client.Dispose();
        }

        // The handshake answers once the host serves HTTP, which is after its queue was reloaded from the journal.
        private async Task WaitUntilServing()
        {
            var deadline = Stopwatch.StartNew();
            var handshake = $"{Webhook}?hub.mode=subscribe&hub.challenge=1&hub.verify_token={VerifyToken}";
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (process.HasExited) break;
                try
                {
                    using var response = await Client.GetAsync(handshake);
                    if (response.IsSuccessStatusCode) return;
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(100);
            }

            throw new InvalidOperationException(
                $"The dev host did not serve {Client.BaseAddress} (exited: {process.HasExited}). Its output:\n{string.Join("\n", log)}");
        }

        private void Keep(string? line)
        {
            if (line is null) return;
            log.Enqueue(line);
            while (log.Count > 200) log.TryDequeue(out _);
        }
    }
}
