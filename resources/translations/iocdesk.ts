<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" sourcelanguage="en">
<context>
    <name>DetailPane</name>
    <message>
        <source>no verdict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>waiting for its lookup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>found on Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not known to Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scanned (unknown to Pulsedive before)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not looked up: Pulsedive does not support this type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lookup failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DNS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WHOIS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SSL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTTP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Page metadata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No indicator selected.
Select a result to see what Pulsedive knows about it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show &amp;host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select the host&apos;s result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open in Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy &amp;defanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy defanged indicator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy &amp;refanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy refanged indicator (live, clickable form)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Facts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Country</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Organization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ASN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registrar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registered (WHOIS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added to Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last probed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{field}:</source>
        <comment>a form label</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk factor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk factors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feeds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attributes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click or Enter to open it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Property</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Properties</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Load links</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load linked indicators (one API request)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linked indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click or Enter to look it up; right-click for more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raw JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>type: {type}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status: {status}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>defanged in the input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{policy} scan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pulsedive type: {type}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recommended: {risk}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set manually</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>retired: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linked indicators are loaded on request (one API request).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No Pulsedive id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n linked indicator(s) in {groups} group(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No linked indicators.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load links: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading linked indicators…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n indicator(s) left out: iocdesk does not look up {types}.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Look up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add to run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;threat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;feed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host {host}: {verdict}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>worse than its own verdict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host of: {values}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>and %n more</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Risk: {risk}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk {risk}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <comment>an empty list</comment>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n values</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>iocdesk: something went wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iocdesk hit an unexpected problem. Your work is kept; you can go on. If it happens again, please copy the details (they contain no API key) and report them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExploreView</name>
    <message>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Explore Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. {examples}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pulsedive&apos;s query language: field=value terms joined by and, or, not; * is a wildcard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Most results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at most</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a query and press Enter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a query first, e.g. {example}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n result(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>There may be more: raise the limit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(cached answer)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportActions</name>
    <message>
        <source>Export: s&amp;hown rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exports, drafts and chat summaries take the rows the table shows (the filter applies)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export: s&amp;elected rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exports, drafts and chat summaries take the selected rows only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export: &amp;all results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exports, drafts and chat summaries take every result of the run, whatever the filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to export: no row is selected. Select rows, or choose Export: shown rows or all results.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to export: the filter hides every result. Clear the filter, or choose Export: all results.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to export: the run has no results.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n result</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n results</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} of %n result ({scope})</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} of %n results ({scope})</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Excel &amp;workbook...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;CSV...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;JSON...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;STIX 2.1 bundle...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create e-mail &amp;draft...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail &amp;link (short summary, no attachment)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy &amp;summary for chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Post to chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Excel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the results as an Excel workbook (Ctrl+E); Export menu: shown, selected or all rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write an e-mail draft with the workbook attached and open it in the mail client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show in &amp;folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy a short summary for chat tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no webhooks: add one with `iocdesk webhook add`)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STIX 2.1 bundle (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported {count} to {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not use the drafts folder {path}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No mail client is registered for .eml files on this computer: the draft with {count} is at {path}; open it from your mail program or attach the workbook {workbook} by hand.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail draft with {count} written to {path}; opened in the mail client.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail draft with {count} written to {path}; asked the desktop to open it in the mail client (if none opens, open the draft from your mail program).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail draft with {count} written to {path}, but the desktop could not open it: open it from your mail program or attach the workbook {workbook} by hand.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open the folder {folder}: open it in your file manager.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open the e-mail link: no mail program answered (none may be registered for mailto: links). Use Copy summary for chat and paste it into a message instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail link with {count} handed to the mail program.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary of {count} copied: paste it into the chat.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write {path}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not post to {name}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary posted to {name}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FeedView</name>
    <message>
        <source>Feed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;feed in Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Organization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pricing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Website</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last pulled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indicators</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Filter results (indicator, threat, feed, country, org)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter results by text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No risk filter: all shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No type filter: all shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No status filter: all shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;lear filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show every result again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>Run history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Past runs, newest first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No runs yet: runs appear here as soon as they start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show this run&apos;s results (Enter or double-click)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look up what an interrupted or cancelled run has not looked up yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove this run and its results from the history (Del)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the history again (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the history: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the run started {time} ({done}/{total} looked up) and all its results from the history? This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not delete the run: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run deleted.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InboxController</name>
    <message>
        <source>Inbox off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>webhook {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>watching {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Inbox on: {parts}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Inbox off; %n alerts not looked up yet are kept in the history</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The inbox has nothing to listen to: turn on the webhook or choose a folder to watch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inbox webhook has no usable token. Create a new token in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inbox webhook cannot start: port {port} on 127.0.0.1 is already in use by another program. Choose another port in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inbox webhook cannot listen on 127.0.0.1:{port}: {reason}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inbox cannot watch {folder}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inbox cannot watch {folder}: it does not exist or is not a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The alert inbox stopped because of an unexpected error. The details are in the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iocdesk: critical-risk alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iocdesk: high-risk alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iocdesk: {risk}-risk alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{name}: %n IOCs, worst {risk}</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InboxDock</name>
    <message>
        <source>Alert inbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Receive alerts (webhook, watched folder)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Inbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inbox is off: turn on its webhook or a watched folder in Settings &gt; Inbox.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inbox needs a Pulsedive API key: add one in Settings (Ctrl+,).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The inbox webhook cannot start: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InboxModel</name>
    <message>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IOCs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Worst risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>duplicate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{status} (same IOCs as {id})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert {id}, received {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source: {source}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status: {status}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results: {counts}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Worst risk: {risk}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run {id} in the history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InboxPanel</name>
    <message>
        <source>Alert inbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inbox status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alerts received, newest first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the selected alert&apos;s run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show this alert&apos;s results from the history (or double-click the alert)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy &amp;curl example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy a curl command that posts a test alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copies a curl command for the webhook; paste the token from Settings in place of &lt;token&gt; (the token itself is not copied)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state} · quota today: {left} left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state} · curl example copied: replace &lt;token&gt; with the token from Settings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InboxSettingsTab</name>
    <message>
        <source>Accept alerts on a local webhook (127.0.0.1 only, bearer token)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Webhook port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put the webhook&apos;s bearer token on the clipboard, for the SIEM&apos;s configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace the token: the old one stops working</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watched folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seconds a dropped file must stay unchanged before it is read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A file is read once its size and time have not changed for this long. Tools that can should write under a .tmp or .part name and rename the file when it is complete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait until unchanged for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notify from risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notify from risk:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alerts accepted per minute from each source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counted separately for the webhook and the watched folder: a flooded folder cannot starve the SIEM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watch a folder for alert files (txt, csv, xlsx, json, eml, msg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alerts per minute, each source:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto-action rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EDR:*=draft:/home/me/drafts
*ransomware*=chat:soc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rules:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rules fire from risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rules fire from risk:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One rule per line: NAME-GLOB=draft:FOLDER writes an e-mail draft there, NAME-GLOB=chat:WEBHOOK posts to a stored chat webhook. Nothing happens without a rule.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inbox rule not saved: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder to watch for alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No token: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The webhook token is on the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No new token: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new webhook token is on the clipboard; the old one no longer works once the inbox restarts.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IndicatorsModel</name>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Defanged in input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lookup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ASN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skipped ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not on Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>host: per host policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>look up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pasted text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>canonical: {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>host: {host}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>host of:</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>scope: {scope}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InputActions</name>
    <message>
        <source>the pasted text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the pasted text</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Pasted text too long to show ({size} characters): %n indicators</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Pasted text read but not shown: it has a line longer than {limit} characters, which the editor cannot display without freezing. %n indicators found.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Open a file with indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>From file {name}: %n indicators</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Read {path}: %n indicators.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Reading {what}...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{what}: not enough memory to read it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{what}: could not be read ({error}; details in the log file)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>iocdesk — demo data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo data: lookups go to a built-in sandbox on this computer, not to Pulsedive. No account is needed and nothing leaves this machine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste an alert, an e-mail, a report or a log excerpt; or open a file (Ctrl+O).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text to extract indicators from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No indicators yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extracted indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look the checked indicators up (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the run (Esc); what was fetched is kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lookup progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lookup results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open file...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try &amp;demo data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;History...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E&amp;xplore Pulsedive...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search Pulsedive with its query language: threat=…, feed=…, risk=…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n indicators: {summary}</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No indicators found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste or type here to look up other indicators instead (Ctrl+Z brings the earlier text back).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo data loaded: press Run (Ctrl+Enter) to look the indicators up in the sandbox.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to look up: paste text or open a file first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Added %n indicators to the run; press Run to look them up.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Those indicators are in the run already.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run is going on: the indicators were added for the next run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Looking up %n indicators...</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Looked up %n indicators.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No Pulsedive API key: {problem}. Add one in Settings (Ctrl+,), where it can be kept for this session only, or choose File &gt; Try demo data to see iocdesk work without an account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No Pulsedive API key yet. Add one in Settings (Ctrl+,), where it can be kept for this session only, or choose File &gt; Try demo data to see iocdesk work without an account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-query works on results of a finished run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Passive scan of %n indicators...</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Passive scan of %n indicators: done.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Active scan of %n indicators...</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Active scan of %n indicators: done.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>New lookup of %n indicators...</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>New lookup of %n indicators: done.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>{done} of {total} looked up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{rate} per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>about {seconds} s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} requests left today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pace {rate}/s until Pulsedive says more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pace {rate}/s, learnt from Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pace {rate}/s, your maximum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no per-second limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No lookup succeeded: {error}. Check the network, proxy and API URL in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Pulsedive quota is used up: {left} indicators not looked up yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The API key is kept for this session only ({reason}); iocdesk forgets it when it quits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reports are made from a finished run: run a lookup (or open one from History) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run {id} of {time} UTC ({sources})</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Run {id} of {time} UTC reopened: %n indicators.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Resuming run {id}: %n indicators left.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>{title}: {text}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>iocdesk alert inbox</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Panes</name>
    <message>
        <source>&amp;Input pane</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show or hide the pasted text and the extracted indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Detail pane</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show or hide what Pulsedive knows about the selected result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail pane &amp;beside the table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On a wide screen: the detail pane right of the table, not below it</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PivotActions</name>
    <message numerus="yes">
        <source>Copied %n indicators.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PivotModel</name>
    <message>
        <source>Indicator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PivotTable</name>
    <message>
        <source>Indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Look up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add to run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open in Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n indicator(s) left out: iocdesk does not look up {types}.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Added %n indicator(s) to the input.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied %n indicator(s), defanged.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied %n indicator(s), live.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Opened the first %n pages.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PivotView</name>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in &amp;Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asking Pulsedive…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n linked indicator(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Showing the first {shown} of {total}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not every page could be read: {problem}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(cached answer)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QuotaResume</name>
    <message>
        <source>{reason}.

{left} indicators were not looked up yet; the run is kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pulsedive quota used up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume when the quota resets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run {id} resumes at {when} UTC, when the Pulsedive quota resets.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResultActions</name>
    <message>
        <source>Scan actively?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An active scan connects to the target: Pulsedive&apos;s infrastructure will port-scan it and fetch it over HTTP. The target&apos;s owner, possibly the attacker, can see this.

A passive scan (WHOIS, DNS) does not contact the target.

Scan {n} indicator(s) actively?</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Copied %n indicator ({form}).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied %n indicators ({form}).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No result of this run is {level}: nothing copied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Copied %n indicator ({level}) as a blocklist, {form}.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied %n indicators ({level}) as a blocklist, {form}.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>defanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>live values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>high and above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>medium and above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>low and above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;High and above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Medium and above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Low and above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy (defanged)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the selected indicators, defanged (safe to paste), one per line; Settings &gt; Appearance decides</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy as &amp;blocklist (defanged)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy (live values)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the selected indicators as live values (clickable, resolvable), one per line; Settings &gt; Appearance decides</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy &amp;defanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the selected indicators, defanged (safe to paste), one per line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy as &amp;blocklist (live values)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy every result of the run whose risk (its own or its host&apos;s) is {level}, one per line, {form}: all of the run, whatever the filter shows or the selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy every result of the run at or above a risk, whatever the filter shows or the selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy &amp;refanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the selected indicators as live values (clickable, resolvable), one per line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-&amp;query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select &amp;all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select every row the table shows (the filter decides which)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look the selected indicators up on Pulsedive again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan &amp;passively</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask Pulsedive for a passive scan (WHOIS, DNS) of the selected indicators it does not know; the target is not contacted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan &amp;actively…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask Pulsedive for an active scan (port scan and HTTP fetch) of the selected indicators it does not know; this connects to the target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open in Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Pulsedive&apos;s page of the selected indicators in the browser</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scanned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not on Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk factors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feeds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Country</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ASN / org</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Defanged in input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{status} ({policy} scan)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{status} (cached)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>defanged: {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n request(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>risk: {risk}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recommended: {risk}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set manually</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>retired: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>seen: {date}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>added: {date}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>updated: {date}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The indicator was defanged in the input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The indicator was live (not defanged) in the input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>host: {host}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The host&apos;s verdict is worse than this indicator&apos;s own.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Found inside:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunController</name>
    <message>
        <source>The lookup stopped because of an unexpected error. The details are in the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run stopped: {reason}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunsModel</name>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Worst risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state} (resumable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State: {state}, since {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State: {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{done} of {total} looked up; %n still pending</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>{done} of {total} looked up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run {id}, started {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk: {counts}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source: {sources}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Warning: active scans make Pulsedive connect to the target (port scan, HTTP fetch). The attacker may see it and learn that someone is looking.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submitted scan results become public on Pulsedive.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>second {count}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>day {count}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>month {count}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no limits reported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key works; remaining: {remaining}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pulsedive rejected this API key. Check that it was copied completely.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pulsedive answered that the rate limit is exceeded; try again later. ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not reach Pulsedive: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test call failed: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iocdesk settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste your Pulsedive API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pulsedive API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save to keyring</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the API key in the OS keyring</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test the API key with one Pulsedive request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the stored API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep for this session &amp;only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the API key in memory until iocdesk quits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan limits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> /s</source>
        <comment>requests per second</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests per day (0: no limit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests per day:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests per month (0: no limit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests per month:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parallel requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parallel requests:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lookup policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan unknown indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off: never scan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passive: WHOIS/DNS only, the target is not contacted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active: port scan and HTTP fetch, touches the target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan unknown indicators:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submit scan results to Pulsedive (public)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look up private, reserved and internal addresses too (sends them to Pulsedive)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look up the hosts of URLs and e-mail addresses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Always (one more request per host)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When their URL or address has no verdict (default)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No maximum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Maximum requests per second (0: no maximum)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iocdesk learns your plan&apos;s pace from Pulsedive&apos;s answers, starting at a free account&apos;s 1 request a second. Set a maximum only to leave room for other tools using the same key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Maximum requests per second:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last pace learnt:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The hosts of URLs and e-mail addresses. A URL Pulsedive has never seen can sit on a domain it knows as high risk: its host is looked up once per run, cached and counted in the quota like any lookup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look up hosts:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lookups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reuse recent answers instead of asking Pulsedive again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> h</source>
        <comment>hours</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep cached answers for (hours)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep answers for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Clear cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete every cached answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API base URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API base URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API paths</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>legacy (info.php)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>current (indicator.php)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API paths:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>http://proxy.example:3128 (empty: HTTPS_PROXY from the environment)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTTP proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTTP proxy:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(empty: the bundled CA certificates)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA bundle file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a CA bundle file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA bundle:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache &amp;&amp; network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail draft recipients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>soc@example.org, ir-team@example.org</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft recipients:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail draft subject template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subject template:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In the subject: {headline} (e.g. 3 high, 5 medium of 40 IOCs), {total}, {run_id}, {date}, {title}.</source>
        <extracomment>The {names} are the subject template&apos;s fields: keep them as they are.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy indicators defanged (safe to paste)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy, Copy as blocklist and the detail pane give hxxps[://]evil[.]com, safe to paste into tickets, chat and e-mail. Off: live values (clickable, resolvable), e.g. for a firewall. Ctrl+Shift+C in the results table always gives the other form.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none yet: the next lookup learns it from Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no per-second limit ({when})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{rate}/s, learnt from Pulsedive ({when})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The API base URL must be an http(s) URL, e.g. https://host:port/</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The HTTP proxy must be an http(s) URL, e.g. https://host:port/</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The API key was not stored: see the API key tab, or clear the key field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an address must not contain line breaks or angle brackets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a CA bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iocdesk stores the key in the OS keyring: {backend}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No OS keyring is available ({backend}: {problem}). iocdesk never writes the key to a file: you can keep it for this session only, or set the {variable} environment variable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Using the key from {variable} ({key}); it takes precedence.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A key is kept for this session only ({key}). Why: {reason}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A key is stored in the keyring ({key}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No API key: {problem}. You can keep a key for this session only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No API key yet: lookups will fail until you add one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type or paste a key first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{error}. The key was not saved anywhere.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key {key} saved in the OS keyring ({backend}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key {key} kept in memory for this session only; it is forgotten when iocdesk quits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The session key was forgotten.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No key was kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The API key was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No API key was stored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No key to test: type or paste one first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing the key with one request to Pulsedive…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not clear the cache: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Cache cleared: %n answer(s) removed.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Cache cleared.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SummaryStrip</name>
    <message>
        <source>Results summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{shown} of {total} results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 result</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n results</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n {risk} risk</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n result(s) with risk {risk}. Click to show only these.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Click to show only these results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status counts: {counts}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ThreatView</name>
    <message>
        <source>Threat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;threat in Pulsedive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threat: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also known as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>News:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_MultiSelect</name>
    <message>
        <source>Showing only: {choices}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_SummaryView</name>
    <message>
        <source>Linked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{field}:</source>
        <comment>a form label</comment>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
