# Guest scenario: an administrator creates a ram region (no Soft Reserved).
cxl create-region -m -d decoder0.0 -w 1 mem0 -t ram -s 256M
