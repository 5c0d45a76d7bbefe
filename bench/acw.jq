# acw.jq: the jq baseline for `make bench`: ACW rows the way the AWS
# documentation computes them, event by event (no duplicate check, no
# state, so only the rows an event proves by itself), as agentev's TSV.
def ms: (.[0:19] + "Z" | fromdateiso8601) * 1000 + (.[20:23] | tonumber);
def secs: "\(. / 1000 | floor).\("00\(. % 1000)" | .[-3:])";
. as $e
| [($e.CurrentAgentSnapshot.Contacts // [])[].ContactId] as $cur
| ($e.PreviousAgentSnapshot.Contacts // [])[]
| select(.State == "ENDED" and ([.ContactId] | inside($cur) | not))
| [$e.AgentARN, $e.CurrentAgentSnapshot.Configuration.Username,
   .ContactId, .Channel, .InitiationMethod, (.Queue.Name // ""),
   .StateStartTimestamp, $e.EventTimestamp,
   (($e.EventTimestamp | ms) - (.StateStartTimestamp | ms) | secs),
   (if $e.EventType == "LOGOUT" then "LOGOUT" else "CLEARED" end)]
| @tsv
