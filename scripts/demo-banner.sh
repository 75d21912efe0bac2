#!/usr/bin/env bash
# Tells whoever ran `make run` where to drop files and where results appear.
config=${1:-hotfolders.example}
here=$(pwd)
binary="$(swift build --show-bin-path 2>/dev/null)/hotfolder-agent"
# A demo API token, made once and kept beside the demo state (a real install prints it once, keeps only a hash).
token_file=demo/demo-token.txt
if [ ! -s "$token_file" ]; then
  mkdir -p demo
  "$binary" token create --config "$config" --name "demo-$(date +%s)" \
      --scopes jobs:read,jobs:write,jobs:approve,webhooks:manage 2>/dev/null > "$token_file" && chmod 600 "$token_file"
fi
token=$(cat "$token_file" 2>/dev/null)
cat <<TEXT

  hotfolder-agent is starting on $config

  Drop artwork (PDF, JPEG, PNG, TIFF) into a hot folder inbox:
    business cards (85x55 mm, 3 mm bleed, 1 or 2 pages):  $here/demo/business-cards/in/
    front and back as two files (ORD-1234_front.pdf, ORD-1234_back.pdf):  $here/demo/cards-two-files/in/
    posters (A2, 5 mm bleed, 1 page, approval required):  $here/demo/posters/in/
  For example:  cp ../shared/corpus/files/ocrmypdf_vector.pdf demo/posters/in/

  Results per folder:  out/print-ready/  out/proofs/  out/reports/  error/ (with NAME.reason.txt)
                       originals/  unsupported/ (with NAME.reason.txt)
  Job list:            $binary jobs list --config $config
  Bridge URL:          http://127.0.0.1:8181   (contract: http://127.0.0.1:8181/openapi.yaml)
  Demo API token:      $token
    curl -H "Authorization: Bearer $token" http://127.0.0.1:8181/api/v1/jobs

  Stop with Ctrl-C. Jobs interrupted by a stop resume at the next start.

TEXT
