#!/usr/bin/env bash
# Tells whoever ran `make run` where to drop files and where results appear.
config=${1:-hotfolders.example}
here=$(pwd)
cat <<TEXT

  hotfolder-agent is starting on $config

  Drop artwork (PDF, JPEG, PNG, TIFF) into a hot folder inbox:
    business cards (85x55 mm, 3 mm bleed, 1 or 2 pages):  $here/demo/business-cards/in/
    posters (A2, 5 mm bleed, 1 page, approval required):  $here/demo/posters/in/
  For example:  cp ../shared/corpus/files/ocrmypdf_vector.pdf demo/posters/in/

  Results per folder:  out/print-ready/  out/proofs/  out/reports/  error/ (with NAME.reason.txt)
                       originals/  unsupported/ (with NAME.reason.txt)
  Job list:            $(swift build --show-bin-path 2>/dev/null)/hotfolder-agent jobs list --config $config
  Bridge URL:          http://127.0.0.1:8181 (the REST bridge arrives with issue 5; not served yet)

  Stop with Ctrl-C. Jobs interrupted by a stop resume at the next start.

TEXT
