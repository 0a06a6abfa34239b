# Wheels are built in a plain Python stage, then copied onto the newest
# 7.x EMR on EKS base image (from the ECR Public gallery).
FROM python:3.12-slim AS wheels
RUN pip wheel --wheel-dir /wheels pyarrow==17.0.0

FROM public.ecr.aws/emr-on-eks/spark/emr-7.14.0:latest
COPY --from=wheels /wheels /wheels
USER root
RUN pip3 install --no-index /wheels/*.whl
USER hadoop:hadoop
