import GraygateCore

print("graygate")
