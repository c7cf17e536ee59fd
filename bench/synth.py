"""A seeded, deterministic synthetic forum corpus in the seed's image.

The vocabulary, symbols, error codes, code fragments, counts and activity
labels come from the 20 threads of the Network Extension seed listing; the
structure too: a title, a one-line body that mixes prose with flattened code,
then replies / boosts / views / activity.

What a 20-thread seed cannot show is the long tail of a real forum, so each
scenario is split into *issues* (a specific symbol, an error code, a product
name) that a handful of threads share -- the way the same question is asked
again months apart.  The number of issues grows with the corpus, so a thread
has a few true neighbours at any size, and the relate benchmark measures
something meaningful.

    make_threads(n, seed=0) -> list[Thread]       # same n, seed -> same threads
    python -m bench.synth N OUT.txt [--seed S]    # a listing file the reader parses
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from generator.records import Facts, Source, Thread
from generator.textvec import error_codes

FORUM = "Network Extension"


@dataclass(frozen=True)
class Scenario:
    """One kind of question seen in the seed."""

    api: str
    platform: str
    symbols: tuple[str, ...]
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    code: tuple[str, ...]
    errors: tuple[str, ...] = ()


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "content-filter", "macOS",
        ("NEFilterDataProvider", "NEFilterNewFlowVerdict", "filterDataVerdict", "peekOutboundBytes",
         "peekInboundBytes", "handleOutboundData", "handleInboundData", "handleNewFlow", "NEFilterSocketFlow"),
        ("Question regarding {sym} limit in NEFilterDataProvider when using {proto}",
         "Network is not working when upload {proto} using NEFilterDataProvider in {platform}",
         "{proto} connection stalls with {sym} in a content filter on {platform} {version}",
         "NEFilterDataProvider {sym} causes {proto} traffic to hang"),
        ("We are developing a {platform} network filtering solution using NetworkExtension with NEFilterDataProvider.",
         "When {proto} protocol communication occurs the connection occasionally becomes unresponsive.",
         "Reducing the {sym} value allows {proto} communication to proceed normally on some systems.",
         "Is there a documented or recommended maximum value for {sym}?",
         "The event received through NEFilterDataProvider is returned immediately without doing any other work.",
         "Are there best practices for selecting appropriate peek values when filtering high-throughput protocols?"),
        ("override func handleNewFlow(_ flow: NEFilterFlow) -> NEFilterNewFlowVerdict {{ return .filterDataVerdict(withFilterInbound: true, peekInboundBytes: Int.max, filterOutbound: true, {sym}: {num}) }}",
         "guard let socketFlow = flow as? NEFilterSocketFlow, let remoteEndpoint = socketFlow.remoteEndpoint as? NWHostEndpoint else {{ return .allow() }}"),
    ),
    Scenario(
        "content-filter", "iOS",
        ("NEFilterManager", "NEFilterDataProvider", "saveToPreferences", "loadFromPreferences", "ManagedSettings"),
        ("NEFilterManager fails with {err} on {platform} on non-supervised devices",
         "Content filter provider does not start after {sym} on {platform} {version}",
         "Is NEFilter supported for {app} on {platform} without MDM?"),
        ("I am implementing a NetworkExtension content filter provider on {platform} and I cannot get it to activate on device.",
         "When I try to enable the filter via NEFilterManager, {sym} fails with {err}.",
         "The devices we are testing on are not supervised and not enrolled in MDM.",
         "The extension never starts and startFilter() is never called.",
         "We already use the Family Controls framework for app restrictions."),
        ("NEFilterManager.shared().{sym} {{ error in if let error = error {{ print(error) }} }}",),
        ("NEFilterErrorDomain Code={code}",),
    ),
    Scenario(
        "url-filter", "iOS",
        ("NEURLFilterManager", "NEURLFilterControlProvider", "pirServerURL", "pirPrivacyPassIssuerURL",
         "url-filter-provider"),
        ("Using the Bloom filter tool to configure a URL filter {err}",
         "How to get {sym} entitlement approved for App Store distribution?",
         "Remove URL Filter configurations on {platform} {version}?",
         "URL filter with PIR server fails for {app}"),
        ("I tried to follow the guide for filtering traffic by URL and deployed the PIR service on my server.",
         "I got this error when I tried to enable the service on the app: {err}.",
         "Everything works with development-signed builds, but App Store export validation rejects {sym}.",
         "A few installed configurations have piled up and I cannot seem to remove them.",
         "The prefilter fetch frequency is set and the Bloom filter is generated with the tool."),
        ("urlFilter = {{ Enabled = YES FailClosed = NO {sym} = https://{host}/pir PrefilterFetchFrequency = {num} }}",),
        ("NEURLFilterManager.Error {code}",),
    ),
    Scenario(
        "packet-tunnel", "iOS",
        ("NEPacketTunnelProvider", "NEPacketTunnelFlow", "writePacketObjects", "includeAllNetworks", "excludeAPNs",
         "NETunnelProviderManager", "setTunnelNetworkSettings", "mDNSResponder"),
        ("Push notifications not delivered over Wi-Fi with {sym} = true",
         "NEPacketTunnelFlow: large UDP DNS responses silently dropped despite {sym} returning success",
         "Packet tunnel on {platform} {version} drops packets larger than {num} bytes",
         "{sym} behaves differently on Wi-Fi and cellular"),
        ("We have a VPN app that uses NEPacketTunnelProvider with {sym} = true.",
         "The tunnel provider captures all IPv4 and IPv6 traffic via default routes but does not forward packets.",
         "For larger responses {sym} returns without error but mDNSResponder never receives the packet.",
         "On cellular the behavior matches our expectations, on Wi-Fi notifications fail to deliver.",
         "Maximum packet size (MTU) set to {num} in NEIPv4Settings."),
        ("let settings = NEPacketTunnelNetworkSettings(tunnelRemoteAddress: \"127.0.0.1\") settings.mtu = {num} setTunnelNetworkSettings(settings) {{ error in completionHandler(error) }}",
         "packetFlow.readPackets {{ [weak self] packets, protocols in self?.{sym}(packets) }}"),
    ),
    Scenario(
        "vpn-manager", "macOS",
        ("NEVPNManager", "NEOnDemandRuleConnect", "onDemandRules", "NEVPNConfigurationChangeNotification",
         "NETunnelProviderManager", "PacketTunnelProvider"),
        ("OnDemand VPN connection stuck in NO INTERNET on {platform}",
         "Unable to detect Network Extension configuration change while pushing MDM profile",
         "{sym} not posted when {app} profile is installed"),
        ("We create a custom VPN tunnel by overriding PacketTunnelProvider on {platform}.",
         "If we enable onDemand rules on the VPN manager, intermittently the internet goes away during tunnel creation.",
         "We are currently observing {sym} to detect VPN configuration changes.",
         "It fires reliably when users remove VPN profiles through Settings but not when MDM installs them."),
        ("NotificationCenter.default.addObserver(forName: .{sym}, object: nil, queue: .main) {{ _ in reload() }}",),
    ),
    Scenario(
        "transparent-proxy", "macOS",
        ("NETransparentProxyProvider", "NENetworkRule", "NWHostEndpoint", "NETransparentProxyNetworkSettings",
         "handleNewTCPFlow", "handleNewUDPFlow", "nesessionmanager"),
        ("NETransparentProxyProvider support for port ranges in {sym}",
         "Issue with XPC communication between Network Extension and host application",
         "nesessionmanager high CPU with thousands of {sym} entries on {platform} {version}"),
        ("We are implementing a Transparent Proxy using NETransparentProxyProvider and configuring {sym}.",
         "After deploying this configuration nesessionmanager starts consuming very high CPU.",
         "Is there any officially supported way to specify a port range in NENetworkRule?",
         "When attempting to connect I see xpc_error=[3: No such process] in the system logs."),
        ("NENetworkRule(destinationHost: NWHostEndpoint(hostname: \"{host}\", port: \"{num}\"), protocol: .TCP)",),
    ),
    Scenario(
        "dns-proxy", "macOS",
        ("NEDNSProxyProvider", "sysextd", "com.apple.developer.networking.networkextension",
         "com.apple.developer.system-extension.install", "OSSystemExtensionRequest"),
        ("Developer ID + DNS Proxy system extension: profile mismatch for {sym}",
         "sysextd rejects new system extension activation with no policy on {platform} {version}",
         "macOS VPN apps outside of the App Store need a system extension for {app}"),
        ("I am building a {platform} app with a DNS Proxy system extension for Developer ID and notarization.",
         "Xcode fails the Developer ID Release build with a provisioning profile mismatch for {sym}.",
         "sysextd consistently rejects the activation request with no policy, cannot allow apps outside /Applications.",
         "The app receives {err} after signature and trust evaluation pass.",
         "Installing a System Extension is a very poor user experience compared to app extensions."),
        ("<key>{sym}</key> <array> <string>dns-proxy-systemextension</string> </array>",
         "$ spctl -a -vv /Applications/{app}.app accepted source=Notarized Developer ID"),
        ("OSSystemExtensionError code {code}",),
    ),
    Scenario(
        "", "iOS",
        ("CallKit", "CXProvider", "CXCallController", "AVAudioSession"),
        ("About audio playback panel after call end on {platform} {version}",
         "CallKit incoming call screen shows the wrong name in {app}"),
        ("Our company provides an office PBX extension phone application for iPhone.",
         "When the iPhone is placed into sleep mode and our app receives an incoming call, the audio panel appears.",
         "This behavior does not affect the call functionality itself.",
         "We report the call with {sym} and end it from the peer."),
        ("provider.reportNewIncomingCall(with: uuid, update: update) {{ error in log(error) }}",),
    ),
)

_GENERIC = (
    "Thank you for your assistance.",
    "Tested on {platform} {version}, physical device.",
    "If necessary we can provide logs and a sysdiagnose.",
    "This behavior appears inconsistent across different {platform} environments.",
    "Is this a known issue or is there a recommended workaround?",
    "Cleaning Derived Data and rebuilding the archive did not help.",
    "Environment: Xcode {version}, {platform} {version}.",
)
# Flattened logs and environment lines, as pasted into the seed's posts.
_LOGS = (
    "sysextd [com.apple.sx:XPC] client activation request for com.{host}.filter",
    "{app} [com.apple.networkextension:session] starting provider {sym} pid={num}",
    "kernel: nesessionmanager[{num}] {sym} flow closed with error {num}",
    "$ codesign --verify --deep --strict -vv /Applications/{app}.app valid on disk satisfies its Designated Requirement",
    "[0x1015a2050] activating connection: mach=true listener=false peer=false name=com.{host}.xpc",
    "Hardware Apple M2 Pro, Xcode {version}, {platform} {version}, SIP enabled, no MDM profiles installed",
    "What I have verified: IP and UDP checksums are correct, length fields are correct, {sym} is set.",
    "Approaches tried: rebooting, killing the daemon, reinstalling {app} from Finder, resetting Launch Services.",
)
_PROTOCOLS = ("SMB", "AFP", "NFS", "QUIC", "HTTP/2", "WebDAV", "FTP", "RTSP")
_PARTS = ("Flow", "Filter", "Tunnel", "Proxy", "Packet", "Rule", "Session", "Route", "Socket", "Verdict", "Settings",
          "Endpoint", "Data", "Network", "Policy", "Report", "Remediation", "Control")
_VERBS = ("handle", "peek", "read", "write", "apply", "start", "stop", "load", "save", "resolve", "evaluate")
_SYLLABLES = ("chak", "shu", "lu", "mo", "ra", "vin", "tel", "sa", "pe", "kor", "dan", "ix", "qu", "zen", "ba", "to")
_ACTIVITY = ("3w", "4w", "2w", "1w", "5d", "2d", "9h", "Feb ’26", "Jan ’26", "Dec ’25", "Nov ’25", "Mar ’25", "Sep ’24")
_VERSIONS = ("26.2", "26.3", "26.4", "15.7.2", "18.6.2", "26.0", "14.5", "17.4")
# Shares of the seed: filters and tunnels are asked about most.
_SCENARIO_WEIGHTS = (6, 3, 3, 5, 3, 3, 4, 1)


@dataclass(frozen=True)
class Issue:
    """What a handful of threads share beyond their scenario."""

    symbol: str  # a specific symbol, often invented from the seed's parts
    error: str
    app: str
    proto: str
    host: str
    number: str


def _issue(scenario_index: int, issue_index: int, seed: int) -> Issue:
    rng = random.Random(f"{seed}:{scenario_index}:{issue_index}")
    scenario = SCENARIOS[scenario_index]
    if rng.random() < 0.5:
        symbol = rng.choice(scenario.symbols)
    elif rng.random() < 0.5:
        symbol = "NE" + "".join(rng.sample(_PARTS, 2)) + rng.choice(("Provider", "Manager", "Flow", "Rule", "Context"))
    else:
        symbol = rng.choice(_VERBS) + "".join(rng.sample(_PARTS, 2))
    app = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    # The seed's codes (1, 4, 9) are the common ones; others turn up too.
    code = rng.choice((1, 4, 9)) if rng.random() < 0.5 else rng.randint(2, 40)
    error = rng.choice(scenario.errors).format(code=code) if scenario.errors else ""
    return Issue(
        symbol=symbol,
        error=error,
        app=app,
        proto=rng.choice(_PROTOCOLS),
        host=f"{app.lower()}.example.com",
        number=str(rng.choice((512, 893, 1400, 1500, 2700, 49152, 65535, 16384, 4096))),
    )


def _fill(template: str, issue: Issue, scenario: Scenario, rng: random.Random) -> str:
    return template.format(
        sym=issue.symbol if rng.random() < 0.7 else rng.choice(scenario.symbols),
        err=issue.error or "an error",
        app=issue.app,
        proto=issue.proto,
        host=issue.host,
        num=issue.number,
        platform=scenario.platform,
        version=rng.choice(_VERSIONS),
    )


def make_threads(n: int, seed: int = 0) -> list[Thread]:
    """``n`` synthetic threads, identical for the same ``n`` and ``seed``;
    titles are distinct."""
    rng = random.Random(seed)
    issues_per_scenario = max(1, n // 60)
    threads: list[Thread] = []
    titles: set[str] = set()
    for number in range(max(0, n)):
        scenario_index = rng.choices(range(len(SCENARIOS)), weights=_SCENARIO_WEIGHTS)[0]
        scenario = SCENARIOS[scenario_index]
        # Popular issues are asked more often: a draw skewed to low indices.
        issue_index = int(issues_per_scenario * rng.random() ** 2)
        issue = _issue(scenario_index, issue_index, seed)
        title = _fill(rng.choice(scenario.titles), issue, scenario, rng)
        while title in titles:
            title = f"{title} ({issue.app} {rng.choice(_VERSIONS)})"
        titles.add(title)
        # Seed bodies run from 260 to 5,300 characters (about 1,900 on
        # average): prose, a pasted snippet or two, some log lines.
        sentences = [_fill(s, issue, scenario, rng) for s in rng.choices(scenario.sentences, k=rng.randint(2, 16))]
        sentences += [_fill(s, issue, scenario, rng) for s in rng.sample(_GENERIC, rng.randint(1, 4))]
        for _ in range(rng.choice((0, 1, 2, 3, 4))):
            sentences.insert(rng.randint(1, len(sentences)), _fill(rng.choice(scenario.code), issue, scenario, rng))
        for _ in range(rng.choice((0, 1, 2, 4, 8))):
            sentences.insert(rng.randint(1, len(sentences)), _fill(rng.choice(_LOGS), issue, scenario, rng))
        if issue.error and rng.random() < 0.6:
            sentences.append(f"The error is {issue.error}.")
        threads.append(
            Thread(
                key=f"title:{title}",
                title=title,
                body=" ".join(sentences),
                forum=FORUM,
                replies=min(int(rng.expovariate(0.3)), 60),
                boosts=1 if rng.random() < 0.15 else 0,
                views=int(rng.lognormvariate(5.3, 0.6)),
                activity=rng.choice(_ACTIVITY),
                source=Source("synthetic", number + 1),
            )
        )
    return threads


_HEADER = (
    FORUM, "RSS for tag",
    "Customize and extend the core networking features of iOS, iPad OS, and macOS using Network Extension.",
    f"Posts under {FORUM} tag", "{count} Posts", "Post", "Replies", "Boosts", "Views", "Activity",
)


def listing_text(threads: Sequence[Thread]) -> str:
    """The threads as a listing page in the seed's format: bare counts for the
    first page of 20, then alternating with the labelled layout."""
    lines = [line.format(count=len(threads)) for line in _HEADER]
    for index, thread in enumerate(threads):
        lines += [thread.title, thread.body]
        counts = (str(thread.replies), str(thread.boosts), str(thread.views), thread.activity)
        if (index // 20) % 2 == 0:
            lines += counts
        else:
            for label, value in zip(("Replies", "Boosts", "Views", "Activity"), counts):
                lines += [label, value]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of threads")
    parser.add_argument("out", type=Path, help="listing file to write")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("count must be >= 0")
    args.out.write_text(listing_text(make_threads(args.count, args.seed)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())


# -- facts for benchmarks ---------------------------------------------------
_SYMBOL_FAMILY = {symbol: scenario.api for scenario in SCENARIOS for symbol in scenario.symbols if scenario.api}
_INVENTED = re.compile(r"^(?:NE(?:%s){2}(?:Provider|Manager|Flow|Rule|Context)|(?:%s)(?:%s){2})$" % (
    "|".join(_PARTS), "|".join(_VERBS), "|".join(_PARTS)))
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]")


def synthetic_facts(thread: Thread) -> Facts:
    """What the classifier would find in a synthetic thread: its symbols (the
    seed's and the invented ones), error codes, families and platforms.  A
    stand-in for ``generator.classify`` so the benchmark runs without it."""
    text = thread.title + " " + thread.body
    words = set(_WORD.findall(text))
    symbols = {w for w in words if w in _SYMBOL_FAMILY or _INVENTED.match(w)}
    symbols.update(code.label for code in error_codes(text))
    votes: dict[str, int] = {}
    for symbol in symbols:
        if symbol in _SYMBOL_FAMILY:
            votes[_SYMBOL_FAMILY[symbol]] = votes.get(_SYMBOL_FAMILY[symbol], 0) + 1
    apis = sorted(api for api, n in votes.items() if n * 2 >= max(votes.values()))
    platforms = sorted(p for p in ("iOS", "macOS") if p in words)
    return Facts(apis=tuple(apis), platforms=tuple(platforms), symbols=tuple(sorted(symbols)))
